// Ranges in the demo with two users in Chromium: copy as tab-separated text (what Excel and
// Google Sheets paste), paste of their text (S122), fill down and right, and delete of a range,
// each one change that one Ctrl+Z undoes (S123) and that the other user receives.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  cellBounds,
  clickCell,
  demo,
  freshTable,
  insertRows,
  openDemo,
  selectCell,
  valueAt,
  waitSaved,
} from './demo-page.js'
import { useDemo } from './demo-server.js'

const setup = useDemo()

/** Ada and Bo on a fresh table with title, done and price, and `count` rows. */
async function twoUsers(count: number): Promise<{ ada: Page; bo: Page }> {
  const table = freshTable('clip')
  const ada = await openDemo(setup.browser, setup.server.url, table, { user: 'Ada', create: true })
  await ada.evaluate(() => {
    const { table: t } = (
      globalThis as never as { demo: { conn: { table: { addColumn(c: object): void } } } }
    ).demo.conn
    t.addColumn({ name: 'price', type: 'number' })
    t.addColumn({ name: 'qty', type: 'number' })
  })
  await insertRows(
    ada,
    Array.from({ length: count }, (_, n) => ({ title: `Row ${n + 1}`, price: n + 1 })),
  )
  await waitSaved(ada)
  const bo = await openDemo(setup.browser, setup.server.url, table, { user: 'Bo' })
  await expect.poll(() => demo(bo, (d) => d.result.total)).toBe(count)
  return { ada, bo }
}

/** Selects the range between two cells: a click, then a Shift+click. */
async function selectRange(page: Page, from: [number, string], to: [number, string]) {
  await selectCell(page, from[0], from[1])
  await clickCell(page, to[0], to[1], { modifiers: ['Shift'], x: 6 })
  await expect
    .poll(() => demo(page, (d) => d.selection.current?.range))
    .toMatchObject({ y: Math.min(from[0], to[0]), height: Math.abs(from[0] - to[0]) + 1 })
}

const column = async (page: Page, name: string): Promise<unknown[]> =>
  page.evaluate(
    (col) =>
      (
        globalThis as never as {
          demo: { conn: { table: { listRows(): Record<string, unknown>[] } } }
        }
      ).demo.conn.table
        .listRows()
        .map((row) => row[col] ?? null),
    name,
  )

describe('ranges, clipboard and fill', () => {
  it('S122: Ctrl+C copies a range as tab-separated text that spreadsheets read', async () => {
    const { ada } = await twoUsers(3)
    await selectRange(ada, [0, 'title'], [1, 'price'])
    await ada.keyboard.press('Control+C')
    await expect
      .poll(() => ada.evaluate(() => navigator.clipboard.readText()))
      .toBe('Row 1\tFALSE\t1\nRow 2\tFALSE\t2')
  })

  it('S122: Ctrl+V pastes Excel or Sheets text at the cursor, adds rows past the end, and the other user gets it', async () => {
    const { ada, bo } = await twoUsers(2)
    await selectCell(ada, 1, 'title')
    const pasted = 'Pasted A\tTRUE\t"1,200"\n"two\nlines"\tno\t$12\nThird\tx\t3.5%\n'
    await ada.evaluate((text) => navigator.clipboard.writeText(text), pasted)
    await ada.keyboard.press('Control+V')
    await expect
      .poll(() => column(bo, 'title'))
      .toEqual(['Row 1', 'Pasted A', 'two\nlines', 'Third'])
    expect(await column(bo, 'done')).toEqual([false, true, false, true])
    expect(await column(bo, 'price')).toEqual([1, 1200, 12, 0.035])
    // The pasted range is selected, and one Ctrl+Z takes the whole paste back, rows included.
    expect(await demo(ada, (d) => d.selection.current?.range)).toEqual({
      x: 0,
      y: 1,
      width: 3,
      height: 3,
    })
    await ada.keyboard.press('Control+Z')
    await expect.poll(() => column(bo, 'title')).toEqual(['Row 1', 'Row 2'])
    expect(await column(bo, 'price')).toEqual([1, 2])
  })

  it('S122: one value pasted over a range fills it; text a column refuses stays a draft', async () => {
    const { ada, bo } = await twoUsers(3)
    await selectRange(ada, [0, 'price'], [2, 'price'])
    await ada.evaluate(() => navigator.clipboard.writeText('7'))
    await ada.keyboard.press('Control+V')
    await expect.poll(() => column(bo, 'price')).toEqual([7, 7, 7])
    await selectCell(ada, 0, 'title')
    await ada.evaluate(() => navigator.clipboard.writeText('kept\tnot a number'))
    await ada.keyboard.press('Control+V')
    await expect.poll(() => column(bo, 'title')).toEqual(['kept', 'Row 2', 'Row 3'])
    expect(await column(bo, 'done')).toEqual([false, false, false])
    expect(await valueAt(ada, 0, 'done')).toBe(false)
  })

  it('S123: Ctrl+D fills down and Ctrl+R fills right, each one undo step', async () => {
    const { ada, bo } = await twoUsers(4)
    await selectRange(ada, [0, 'price'], [3, 'price'])
    await ada.keyboard.press('Control+D')
    await expect.poll(() => column(bo, 'price')).toEqual([1, 1, 1, 1])
    await ada.keyboard.press('Control+Z')
    await expect.poll(() => column(bo, 'price')).toEqual([1, 2, 3, 4])
    await selectRange(ada, [1, 'price'], [1, 'qty'])
    await ada.keyboard.press('Control+R')
    await expect.poll(() => column(bo, 'qty')).toEqual([null, 2, null, null])
    await ada.keyboard.press('Control+Z')
    await expect.poll(() => column(bo, 'qty')).toEqual([null, null, null, null])
    expect(await column(bo, 'price')).toEqual([1, 2, 3, 4])
  })

  it('S123: dragging the fill handle fills the cells it passes over, as one change', async () => {
    const { ada, bo } = await twoUsers(4)
    await selectCell(ada, 0, 'price')
    const from = await cellBounds(ada, 0, 'price')
    const to = await cellBounds(ada, 3, 'price')
    // The handle is the small square at the bottom right corner of the selection.
    await ada.mouse.move(from.x + from.width - 2, from.y + from.height - 2)
    await ada.mouse.down()
    await ada.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 })
    await ada.mouse.up()
    await expect.poll(() => column(bo, 'price')).toEqual([1, 1, 1, 1])
    await ada.keyboard.press('Control+Z')
    await expect.poll(() => column(bo, 'price')).toEqual([1, 2, 3, 4])
  })

  it('S123: Delete clears a range in one change that Ctrl+Z restores, on both pages', async () => {
    const { ada, bo } = await twoUsers(4)
    await selectRange(ada, [1, 'title'], [2, 'price'])
    await ada.keyboard.press('Delete')
    await expect.poll(() => column(bo, 'title')).toEqual(['Row 1', null, null, 'Row 4'])
    expect(await column(bo, 'price')).toEqual([1, null, null, 4])
    await ada.keyboard.press('Control+Z')
    await expect.poll(() => column(bo, 'title')).toEqual(['Row 1', 'Row 2', 'Row 3', 'Row 4'])
    expect(await column(bo, 'price')).toEqual([1, 2, 3, 4])
    expect(await demo(ada, (d) => d.conn.history.canUndo)).toBe(true)
  })
})

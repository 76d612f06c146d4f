// Columns in the demo with two users in Chromium: sort from the menu, rename in place (never a
// browser prompt, never a change of the sort), retype, hide, resize, reorder and delete.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  demo,
  freshTable,
  headerBounds,
  insertRows,
  openColumnMenu,
  openDemo,
  shown,
} from './demo-page.js'
import { useDemo } from './demo-server.js'

const setup = useDemo()

async function twoUsers(): Promise<{ ada: Page; bo: Page }> {
  const table = freshTable('columns')
  const ada = await openDemo(setup.browser, setup.server.url, table, { user: 'Ada', create: true })
  await ada.evaluate(() => {
    const { table: t } = (
      globalThis as never as { demo: { conn: { table: { addColumn(c: object): void } } } }
    ).demo.conn
    t.addColumn({ name: 'size', type: 'number' })
  })
  await insertRows(ada, [
    { title: 'b', size: 2 },
    { title: 'c', size: 3 },
    { title: 'a', size: 1 },
  ])
  const bo = await openDemo(setup.browser, setup.server.url, table, { user: 'Bo' })
  await expect.poll(() => demo(bo, (d) => d.result.total)).toBe(3)
  return { ada, bo }
}

const names = (page: Page) => demo(page, (d) => d.columns.map((c) => c.name))
const titles = async (page: Page) => Promise.all([0, 1, 2].map((row) => shown(page, row, 'title')))

describe('the column menu and header', () => {
  it('sorts from the menu; renames in place by double-click or menu, never with a prompt, keeping the sort', async () => {
    const { ada, bo } = await twoUsers()
    await openColumnMenu(ada, 'title')
    await ada.click('.column-menu button:has-text("Sort A → Z")')
    await expect.poll(() => titles(ada)).toEqual(['a', 'b', 'c'])

    const header = await headerBounds(ada, 'title')
    await ada.mouse.dblclick(header.x + 40, header.y + header.height / 2)
    const box = ada.locator('.rename-box')
    await expect.poll(() => box.inputValue()).toBe('title')
    await box.fill('name')
    await box.press('Enter')
    await expect.poll(() => names(bo)).toEqual(['name', 'done', 'size'])
    await expect.poll(() => names(ada)).toEqual(['name', 'done', 'size'])
    // Still sorted, the same way, with the arrow on the renamed header.
    await expect
      .poll(() => Promise.all([0, 1, 2].map((row) => shown(ada, row, 'name'))))
      .toEqual(['a', 'b', 'c'])
    expect(await ada.locator('#glide-cell-1-0').count()).toBe(1)
    // The grid's accessible copy of the headers follows on its next frame.
    await expect
      .poll(() => ada.locator('th[role="columnheader"]').allTextContents())
      .toContain('name ↑')

    await openColumnMenu(ada, 'name')
    await ada.click('.column-menu button:has-text("Rename…")')
    await ada.locator('.rename-box').fill('label')
    await ada.locator('.rename-box').press('Enter')
    await expect.poll(() => names(bo)).toEqual(['label', 'done', 'size'])
    await openColumnMenu(ada, 'label')
    await ada.click('.column-menu button:has-text("Sort Z → A")')
    await expect
      .poll(() => Promise.all([0, 1, 2].map((row) => shown(ada, row, 'label'))))
      .toEqual(['c', 'b', 'a'])
  })

  it('changes a type and deletes a column for both users; deleting is undoable', async () => {
    const { ada, bo } = await twoUsers()
    await openColumnMenu(ada, 'size')
    await ada.locator('.column-menu select').selectOption('string')
    await expect
      .poll(() =>
        bo.evaluate(
          () =>
            (
              globalThis as never as {
                demo: { conn: { table: { getColumn(n: string): { type: string } } } }
              }
            ).demo.conn.table.getColumn('size').type,
        ),
      )
      .toBe('string')
    await openColumnMenu(ada, 'size')
    await ada.click('.column-menu button:has-text("Delete column")')
    await expect.poll(() => names(bo)).toEqual(['title', 'done'])
    await ada.click('#undo')
    await expect.poll(() => names(bo)).toEqual(['title', 'done', 'size'])
  })

  it('hides a column for this user only, and shows it again', async () => {
    const { ada, bo } = await twoUsers()
    await openColumnMenu(ada, 'done')
    await ada.click('.column-menu button:has-text("Hide column")')
    await expect.poll(() => names(ada)).toEqual(['title', 'size'])
    expect(await names(bo)).toEqual(['title', 'done', 'size'])
    await ada.click('#show-hidden')
    await expect.poll(() => names(ada)).toEqual(['title', 'done', 'size'])
  })

  it('resizes a column by dragging its edge, and reorders columns by dragging a header', async () => {
    const { ada, bo } = await twoUsers()
    const title = await headerBounds(ada, 'title')
    // Now and then (one CI run of three in this session) a drag left the width as it was, the
    // cause not found: the gesture is made again, from fresh bounds, at most three times.
    const widened = async () => (await headerBounds(ada, 'title')).width > title.width + 40
    for (let attempt = 0; attempt < 3 && !(await widened()); attempt++) {
      const now = await headerBounds(ada, 'title')
      const edge = now.x + now.width - 1
      await ada.mouse.move(edge, now.y + now.height / 2)
      await ada.mouse.down()
      await ada.mouse.move(edge + 60, now.y + now.height / 2, { steps: 5 })
      await ada.mouse.up()
      await expect
        .poll(widened, { timeout: 2_000 })
        .toBe(true)
        .catch(() => undefined)
    }
    expect(await widened()).toBe(true)

    const size = await headerBounds(ada, 'size')
    const start = await headerBounds(ada, 'title')
    await ada.mouse.move(start.x + 30, start.y + start.height / 2)
    await ada.mouse.down()
    await ada.mouse.move(size.x + size.width - 10, size.y + size.height / 2, { steps: 10 })
    await ada.mouse.up()
    await expect.poll(() => names(bo)).toEqual(['done', 'size', 'title'])
  })
})

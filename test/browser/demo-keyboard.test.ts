// The demo spreadsheet's keyboard model in Chromium, as people expect it from Google Sheets or
// Airtable: typing replaces a cell, Enter and Tab commit and move, Escape cancels, the arrows and
// page keys move the selection and scroll it into view, and undo keys respect text boxes.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  cellBounds,
  demo,
  freshTable,
  insertRows,
  openDemo,
  selectCell,
  selected,
  shown,
  valueAt,
  waitGridFocus,
} from './demo-page.js'
import { useDemo } from './demo-server.js'

const setup = useDemo()

const open = (table: string, user = 'Ada'): Promise<Page> =>
  openDemo(setup.browser, setup.server.url, table, { user, create: true })

const rows = (count: number) => Array.from({ length: count }, (_, n) => ({ title: `Row ${n + 1}` }))

describe('the keyboard model of the demo grid', () => {
  it('typing replaces a cell; Enter commits and moves down; Tab moves right; Escape cancels', async () => {
    const page = await open(freshTable())
    await insertRows(page, rows(3))
    await selectCell(page, 0, 'title')
    await page.keyboard.type('first')
    await page.keyboard.press('Enter')
    await expect.poll(() => valueAt(page, 0, 'title')).toBe('first')
    expect(await selected(page)).toEqual([0, 1])
    await page.keyboard.type('second')
    await page.keyboard.press('Tab')
    await expect.poll(() => valueAt(page, 1, 'title')).toBe('second')
    expect(await selected(page)).toEqual([1, 1])
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.type('never')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('#portal textarea').count()).toBe(0)
    expect(await valueAt(page, 1, 'title')).toBe('second')
    await expect.poll(() => shown(page, 1, 'title')).toBe('second')
  })

  it('the arrows scroll the selection into view; PageDown, Ctrl+arrows, Home and End jump', async () => {
    const page = await open(freshTable())
    await page.evaluate(() => {
      const { table } = (
        globalThis as never as { demo: { conn: { table: { addColumn(c: object): void } } } }
      ).demo.conn
      table.addColumn({ name: 'n', type: 'number' })
    })
    await insertRows(page, rows(500))
    await selectCell(page, 0, 'title')
    for (let step = 0; step < 40; step++) await page.keyboard.press('ArrowDown')
    await expect.poll(() => selected(page)).toEqual([0, 40])
    // Row 41 is on screen: the grid scrolled, and its cell shows its text.
    await expect.poll(() => shown(page, 40, 'title')).toBe('Row 41')
    const grid = (await page.locator('.grid-wrap').boundingBox())!
    const row41 = await cellBounds(page, 40, 'title')
    expect(row41.y + row41.height).toBeLessThanOrEqual(grid.y + grid.height)
    await page.keyboard.press('PageDown')
    await expect.poll(async () => (await selected(page))![1]).toBeGreaterThan(50)
    await page.keyboard.press('Control+ArrowDown')
    await expect.poll(() => selected(page)).toEqual([0, 499])
    await expect.poll(() => shown(page, 499, 'title')).toBe('Row 500')
    await page.keyboard.press('End')
    await expect.poll(() => selected(page)).toEqual([2, 499])
    await page.keyboard.press('Home')
    await expect.poll(() => selected(page)).toEqual([0, 499])
    await page.keyboard.press('Control+ArrowUp')
    await expect.poll(() => selected(page)).toEqual([0, 0])
    await expect.poll(() => shown(page, 0, 'title')).toBe('Row 1')
    await page.keyboard.press('PageDown')
    await page.keyboard.press('PageUp')
    await expect.poll(() => selected(page)).toEqual([0, 0])
  })

  it('Ctrl+Z in the filter or column-name box undoes its typing, not the last cell edit', async () => {
    const page = await open(freshTable())
    await insertRows(page, rows(1))
    await selectCell(page, 0, 'title')
    await page.keyboard.type('kept')
    await page.keyboard.press('Enter')
    await expect.poll(() => valueAt(page, 0, 'title')).toBe('kept')
    for (const box of ['#filter', '#column-name']) {
      await page.click(box)
      await page.keyboard.type('abc')
      await page.keyboard.press('Control+Z')
      await expect.poll(() => page.locator(box).inputValue()).not.toBe('abc')
      expect(await valueAt(page, 0, 'title')).toBe('kept')
      await page.fill(box, '')
    }
    // In the grid, Ctrl+Z undoes the cell edit.
    await selectCell(page, 0, 'title')
    await page.keyboard.press('Control+Z')
    await expect.poll(() => valueAt(page, 0, 'title')).toBe('Row 1')
    await page.keyboard.press('Control+Shift+Z')
    await expect.poll(() => valueAt(page, 0, 'title')).toBe('kept')
  })

  it('after "Add row" the cursor is in the new row: typing fills it, Space and Enter add no rows', async () => {
    const page = await open(freshTable())
    await insertRows(page, rows(2))
    await page.click('#add-row')
    await expect.poll(() => demo(page, (d) => d.result.total)).toBe(3)
    await waitGridFocus(page)
    await expect.poll(() => selected(page)).toEqual([0, 2])
    await page.keyboard.type('typed at once')
    await page.keyboard.press('Enter')
    await expect.poll(() => valueAt(page, 2, 'title')).toBe('typed at once')
    await selectCell(page, 2, 'done')
    await page.keyboard.press('Space')
    await expect.poll(() => valueAt(page, 2, 'done')).toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(() => valueAt(page, 2, 'done')).toBe(false)
    expect(await demo(page, (d) => d.result.total)).toBe(3)
  })
})

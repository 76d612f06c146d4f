// Typed cells of the demo in Chromium (S124): checkboxes for booleans, numbers as people type
// them, dates, and a refused value kept in its cell with the reason until fixed or cleared.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  cellBounds,
  clickCell,
  freshTable,
  insertRows,
  openDemo,
  selectCell,
  shown,
  valueAt,
  waitSaved,
} from './demo-page.js'
import { useDemo } from './demo-server.js'

const setup = useDemo()

/** A page on a fresh table with title, done, price (number) and due (date), and `count` rows. */
async function openTyped(count: number, user = 'Ada'): Promise<{ page: Page; table: string }> {
  const table = freshTable('cells')
  const page = await openDemo(setup.browser, setup.server.url, table, { user, create: true })
  await page.evaluate(() => {
    const { table: t } = (
      globalThis as never as { demo: { conn: { table: { addColumn(c: object): void } } } }
    ).demo.conn
    t.addColumn({ name: 'price', type: 'number' })
    t.addColumn({ name: 'due', type: 'date' })
  })
  await insertRows(
    page,
    Array.from({ length: count }, (_, n) => ({ title: `Row ${n + 1}` })),
  )
  return { page, table }
}

const typeInto = async (page: Page, row: number, column: string, text: string) => {
  await selectCell(page, row, column)
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
}

describe('typed cells', () => {
  it('S124: a boolean is a checkbox: Space toggles it, a click on it toggles it, clicking away leaves it', async () => {
    const { page } = await openTyped(2)
    await selectCell(page, 0, 'done')
    await page.keyboard.press('Space')
    await expect.poll(() => valueAt(page, 0, 'done')).toBe(true)
    await expect.poll(() => shown(page, 0, 'done')).toBe('true')
    await page.keyboard.press('Space')
    await expect.poll(() => valueAt(page, 0, 'done')).toBe(false)
    // No text editor opens on a checkbox, so there is nothing to leave empty.
    expect(await page.locator('#portal textarea').count()).toBe(0)
    const box = await cellBounds(page, 1, 'done')
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await expect.poll(() => valueAt(page, 1, 'done')).toBe(true)
    await clickCell(page, 0, 'title')
    await waitSaved(page)
    expect(await valueAt(page, 1, 'done')).toBe(true)
    expect(await valueAt(page, 0, 'done')).toBe(false)
  })

  it('S124: numbers accept "1,200", "$12" and "3.5%", and show with thousands separators', async () => {
    const { page } = await openTyped(3)
    await typeInto(page, 0, 'price', '1,200')
    await expect.poll(() => valueAt(page, 0, 'price')).toBe(1200)
    await typeInto(page, 1, 'price', '$12')
    await expect.poll(() => valueAt(page, 1, 'price')).toBe(12)
    await typeInto(page, 2, 'price', '3.5%')
    await expect.poll(() => valueAt(page, 2, 'price')).toBe(0.035)
    const display = (row: number) =>
      page.evaluate((index) => {
        const api = (
          globalThis as never as {
            demo: { api: { current: { displayText(c: number, r: number): string } } }
          }
        ).demo.api
        return api.current.displayText(2, index)
      }, row)
    await expect.poll(() => display(0)).toBe('1,200')
    expect(await display(2)).toBe('0.035')
  })

  it('S124: a refused value stays in its cell with the reason, until it is fixed or deleted', async () => {
    const { page } = await openTyped(2)
    await typeInto(page, 0, 'price', '12')
    await expect.poll(() => valueAt(page, 0, 'price')).toBe(12)
    await typeInto(page, 0, 'price', 'twelve')
    await expect.poll(() => shown(page, 0, 'price')).toBe('twelve')
    expect(await valueAt(page, 0, 'price')).toBe(12)
    await page.keyboard.press('ArrowUp')
    const note = page.locator('.cell-note.error')
    await expect.poll(() => note.textContent()).toContain('"twelve" is not a number')
    // The note is not a bar that goes away by itself: other work happens, it stays.
    await typeInto(page, 1, 'title', 'meanwhile')
    await waitSaved(page)
    await selectCell(page, 0, 'price')
    await expect.poll(() => note.textContent()).toContain('"twelve" is not a number')
    // Editing starts from the typed value; a valid one replaces it.
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#portal textarea').inputValue()).toBe('twelve')
    await page.keyboard.press('Escape')
    await page.keyboard.press('Delete')
    await expect.poll(() => note.count()).toBe(0)
    await expect.poll(() => valueAt(page, 0, 'price')).toBe(null)
  })

  it('S124: a date cell opens a date picker; typed dates are read too', async () => {
    const { page } = await openTyped(2)
    await typeInto(page, 0, 'due', '2026-12-02')
    await expect.poll(() => valueAt(page, 0, 'due')).toBe('2026-12-02T00:00:00.000Z')
    await typeInto(page, 1, 'due', 'Dec 24, 2026')
    await expect.poll(() => valueAt(page, 1, 'due')).toBe('2026-12-24T00:00:00.000Z')
    await selectCell(page, 0, 'due')
    await page.keyboard.press('Enter')
    const picker = page.locator('#portal input[type="date"]')
    await expect.poll(() => picker.inputValue()).toBe('2026-12-02')
    await picker.fill('2027-01-15')
    await picker.press('Enter')
    await expect.poll(() => valueAt(page, 0, 'due')).toBe('2027-01-15T00:00:00.000Z')
    await expect.poll(() => shown(page, 0, 'due')).toBe('2027-01-15')
  })
})

// The demo spreadsheet in real Chromium (Debian's), driven by playwright-core: two users (two
// browser contexts, so two IndexedDBs) collaborate on one table through a real server.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  demo,
  freshTable,
  openColumnMenu,
  insertRows,
  openDemo,
  selectCell,
  shown,
  valueAt,
  waitSaved,
  type OpenOptions,
} from './demo-page.js'
import { repoRoot, useDemo } from './demo-server.js'

const screenshots = join(repoRoot, 'test-results/browser')
const setup = useDemo()

beforeAll(() => {
  mkdirSync(screenshots, { recursive: true })
})

const open = (table: string, user: string, options: Partial<OpenOptions> = {}) =>
  openDemo(setup.browser, setup.server.url, table, { user, create: true, ...options })

/** Types into a cell of a page and waits until the page's table holds it. */
async function edit(page: Page, row: number, column: string, text: string): Promise<void> {
  await selectCell(page, row, column)
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
  await expect.poll(() => valueAt(page, row, column)).toBe(text)
}

async function setOnline(page: Page, online: boolean): Promise<void> {
  await page.locator('#online').setChecked(online)
  await page.waitForSelector(`#status[data-status="${online ? 'synced' : 'offline'}"]`)
}

const shoot = (page: Page, name: string) =>
  page.screenshot({ path: join(screenshots, `${name}.png`) })

describe('the demo spreadsheet in Chromium', () => {
  it('S121: two pages edit one table and see each other, with selected ranges in distinct colours', async () => {
    const table = freshTable()
    // Both users come with the same colour: the peer's range must still stand apart.
    const ada = await open(table, 'Ada', { color: '#e6194b' })
    const bo = await open(table, 'Bo', { color: '#e6194b' })
    await insertRows(ada, [{ title: 'first' }, { title: 'second' }, { title: 'third' }])
    await edit(ada, 0, 'title', 'hello from Ada')
    await expect.poll(() => shown(bo, 0, 'title')).toBe('hello from Ada')

    await selectCell(bo, 1, 'title')
    await bo.keyboard.press('Shift+ArrowDown')
    await bo.keyboard.press('Shift+ArrowRight')
    await expect
      .poll(() =>
        ada.evaluate(
          () =>
            (
              globalThis as never as {
                demo: { conn: { presence: { peers(): { selection: unknown }[] } } }
              }
            ).demo.conn.presence.peers()[0]?.selection,
        ),
      )
      .toMatchObject({ column: 'title', to: { column: 'done' } })
    const tag = ada.locator('.peer-tag[data-peer="Bo"]')
    await expect.poll(() => tag.count()).toBe(1)
    const colors = await ada.evaluate(() => ({
      tag: getComputedStyle(document.querySelector('.peer-tag')!).backgroundColor,
      me: getComputedStyle(document.querySelector('#peers .peer')!).backgroundColor,
    }))
    expect(colors.tag).not.toBe(colors.me)
    await expect.poll(() => ada.locator('#peers').textContent()).toContain('Bo')
    await waitSaved(ada)
    await shoot(ada, 'two-pages-ada')
    await shoot(bo, 'two-pages-bo')
  })

  it('S46: a page goes offline, edits, reloads, comes back online, and the other page gets the edits', async () => {
    const table = freshTable()
    const ada = await open(table, 'Ada')
    const bo = await open(table, 'Bo')
    await insertRows(ada, [{ title: 'before' }])
    await expect.poll(() => shown(bo, 0, 'title')).toBe('before')

    await setOnline(ada, false)
    await edit(ada, 0, 'title', 'edited offline')
    await insertRows(ada, [{ title: 'added offline' }])
    await expect.poll(() => ada.locator('#saved').getAttribute('data-unsaved')).not.toBe('0')
    await ada.evaluate(() =>
      (
        globalThis as never as { demo: { conn: { whenStored(): Promise<void> } } }
      ).demo.conn.whenStored(),
    )

    await ada.reload()
    await ada.waitForFunction(() => (globalThis as { demo?: { ready?: boolean } }).demo?.ready)
    await expect.poll(() => shown(ada, 0, 'title')).toBe('edited offline')
    await expect.poll(() => shown(ada, 1, 'title')).toBe('added offline')
    expect(await ada.locator('#status').getAttribute('data-status')).toBe('offline')
    expect(await ada.locator('#saved').getAttribute('data-unsaved')).not.toBe('0')
    expect(await shown(bo, 0, 'title')).toBe('before')

    await setOnline(ada, true)
    await expect.poll(() => shown(bo, 0, 'title')).toBe('edited offline')
    await expect.poll(() => shown(bo, 1, 'title')).toBe('added offline')
    await expect.poll(() => ada.locator('#saved').textContent()).toBe('All changes saved')
  })

  it('S44: undo removes only the page own edit', async () => {
    const table = freshTable()
    const ada = await open(table, 'Ada')
    const bo = await open(table, 'Bo')
    await insertRows(ada, [{ title: 'original' }])
    await expect.poll(() => shown(bo, 0, 'title')).toBe('original')
    await edit(ada, 0, 'title', 'changed by Ada')
    await selectCell(bo, 0, 'done')
    await bo.keyboard.press('Space')
    await expect.poll(() => valueAt(ada, 0, 'done')).toBe(true)

    await ada.click('#undo')
    await expect.poll(() => valueAt(ada, 0, 'title')).toBe('original')
    await expect.poll(() => valueAt(bo, 0, 'title')).toBe('original')
    expect(await valueAt(ada, 0, 'done')).toBe(true)
  })

  it('S40: a conflict is shown on the page whose concurrent edit lost', async () => {
    const table = freshTable()
    const ada = await open(table, 'Ada')
    const bo = await open(table, 'Bo')
    await insertRows(ada, [{ title: 'base' }])
    await expect.poll(() => shown(bo, 0, 'title')).toBe('base')
    await setOnline(ada, false)
    await setOnline(bo, false)
    await edit(ada, 0, 'title', 'Ada was here')
    await edit(bo, 0, 'title', 'Bo was here')
    await setOnline(ada, true)
    await setOnline(bo, true)
    await expect
      .poll(async () => (await valueAt(ada, 0, 'title')) === (await valueAt(bo, 0, 'title')))
      .toBe(true)
    const items = async () =>
      (await ada.locator('.conflict-item').count()) + (await bo.locator('.conflict-item').count())
    await expect.poll(items).toBe(1)
    const loser = (await ada.locator('.conflict-item').count()) === 1 ? ada : bo
    await expect
      .poll(() => loser.locator('.conflict-item').textContent())
      .toContain('was overwritten by')
    await selectCell(loser, 0, 'title')
    await expect
      .poll(() => loser.locator('.cell-note.conflict').textContent())
      .toContain('was overwritten by')
    await shoot(loser, 'conflict')
    await loser.click('.conflict-item button:has-text("Keep mine")')
    await expect.poll(() => loser.locator('.conflict-item').count()).toBe(0)
  })

  it('renders a large table as a window of rows that follows the scroll, sorted and filtered by live queries', async () => {
    const ada = await open(freshTable(), 'Ada')
    await insertRows(
      ada,
      Array.from({ length: 5000 }, (_, i) => ({ title: `Row ${i + 1}` })),
    )
    await expect.poll(() => ada.locator('#count').textContent()).toBe('5,000 rows')
    expect(await demo(ada, (d) => d.result.rows.length)).toBeLessThan(400)
    await selectCell(ada, 0, 'title')
    await ada.keyboard.press('Control+ArrowDown')
    await expect.poll(() => shown(ada, 4999, 'title')).toBe('Row 5000')
    expect(await demo(ada, (d) => d.result.rows.length)).toBeLessThan(400)
    // Sort Z → A from the column menu: a live query with orderBy.
    await ada.keyboard.press('Control+ArrowUp')
    await openColumnMenu(ada, 'title')
    await ada.click('.column-menu button:has-text("Sort Z → A")')
    await expect.poll(() => shown(ada, 0, 'title')).toBe('Row 999')
    await ada.fill('#filter', 'Row 42')
    await expect.poll(() => ada.locator('#count').textContent()).toBe('111 rows')
    await shoot(ada, 'large-table-filtered')
  })

  it('shows a hint in an empty table, and opens a table whose name has spaces', async () => {
    const name = `${freshTable()} Q3 budget`
    const ada = await open(name, 'Ada')
    await expect
      .poll(() => ada.locator('.empty-state').textContent())
      .toContain('This table is empty')
    await shoot(ada, 'empty-table')
    await ada.click('#add-row')
    await expect.poll(() => ada.locator('.empty-state').count()).toBe(0)
    await expect.poll(() => ada.locator('#table-picker').inputValue()).toBe(name)
  })

  it('S115: a table name the server refuses gets a clear message, not a blank grid marked offline', async () => {
    const context = await setup.browser.newContext()
    const page = await context.newPage()
    await page.goto(`${setup.server.url}/?table=${encodeURIComponent('a/b')}`)
    await expect
      .poll(() => page.locator('[role="alert"] h1').textContent())
      .toBe('This table cannot be opened')
    expect(await page.locator('[role="alert"]').textContent()).toContain(
      'is not a valid table name',
    )
    expect(await page.locator('#status').count()).toBe(0)
    await context.close()
  })

  it('S118: two pages moving their selections count no FORBIDDEN error on a server without auth', async () => {
    const table = freshTable()
    const ada = await open(table, 'Ada')
    const bo = await open(table, 'Bo')
    await insertRows(ada, [{ title: 'a' }, { title: 'b' }, { title: 'c' }])
    await expect.poll(() => demo(bo, (d) => d.result.total)).toBe(3)
    await selectCell(ada, 0, 'title')
    await selectCell(bo, 0, 'done')
    for (let move = 0; move < 5; move++) {
      await ada.keyboard.press(move % 2 === 0 ? 'ArrowDown' : 'ArrowUp')
      await bo.keyboard.press(move % 2 === 0 ? 'ArrowDown' : 'ArrowUp')
    }
    await expect
      .poll(() =>
        ada.evaluate(
          () =>
            (
              globalThis as never as {
                demo: {
                  conn: { presence: { peers(): { selection: { column: string } | null }[] } }
                }
              }
            ).demo.conn.presence.peers()[0]?.selection?.column,
        ),
      )
      .toBe('done')
    const metrics = await (await fetch(`${setup.server.url}/metrics`)).text()
    expect(metrics).not.toMatch(/tessera_errors_total\{code="FORBIDDEN"\}/)
  })

  it('S116: an unknown path answers the JSON error format', async () => {
    const context = await setup.browser.newContext()
    const page = await context.newPage()
    const response = await page.goto(`${setup.server.url}/no/such/page`)
    expect(response?.status()).toBe(404)
    expect(await response?.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } })
    await context.close()
  })
})

// The demo spreadsheet in window mode, in real Chromium: a table above the threshold opens as a
// window client and says so; one user in window mode and one with the whole table (a full
// replica, `?mode=full`) edit each other's cells through the grid and converge; rows added and
// deleted in window mode reach the full replica (S135, S156). Without `?mode=window` the whole
// table loads behind the window and the page switches to it, keeping edits made meanwhile (S177).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { WebSocket } from 'ws'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { connectTable } from '../../client/index.js'
import { windowThreshold } from '../../client/demo/window-mode.js'
import { cellBounds, demo, freshTable, openDemo, selectCell, shown } from './demo-page.js'
import { repoRoot, useDemo } from './demo-server.js'
import { holdSocket, isFullReplicaOf, type HeldSocket } from './hold-socket.js'

const screenshots = join(repoRoot, 'test-results/browser')
const setup = useDemo()

beforeAll(() => {
  mkdirSync(screenshots, { recursive: true })
})

/** A table of `count` rows (title, n, done) written by a Node client. */
async function seedBig(table: string, count: number) {
  const conn = connectTable({
    url: setup.server.url,
    table,
    WebSocket,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
      { name: 'done', type: 'boolean', default: false },
    ],
  })
  onTestFinished(() => conn.close())
  await conn.whenSynced()
  conn.table.insertRows(
    Array.from({ length: count }, (_, i) => ({ title: `Row ${i + 1}`, n: i + 1 })),
  )
  await conn.whenSaved()
  return conn
}

/** Types `text` into the selected cell and commits it with Enter. */
async function typeInto(page: Page, row: number, column: string, text: string): Promise<void> {
  await selectCell(page, row, column)
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
}

describe('the demo in window mode', () => {
  it("S156: a big table opens in window mode; window and full users edit each other's cells and converge", async () => {
    const table = freshTable('big')
    const count = windowThreshold + 100
    const node = await seedBig(table, count)
    const windowed = await openDemo(setup.browser, setup.server.url, table, {
      user: 'Ada',
      width: 1400,
      height: 800,
      mode: 'window',
    })
    expect(await demo(windowed, (d) => (d as unknown as { mode: string }).mode)).toBe('window')
    await expect
      .poll(() => windowed.locator('#window-mode').textContent())
      .toMatch(new RegExp(`^window mode: \\d+ of ${count.toLocaleString('en')} rows loaded$`))
    await expect.poll(() => shown(windowed, 0, 'title')).toBe('Row 1')
    await windowed.screenshot({ path: join(screenshots, 'demo-window-mode.png') })

    const context = await setup.browser.newContext({ viewport: { width: 1280, height: 720 } })
    onTestFinished(() => context.close())
    const fullPage = await context.newPage()
    await fullPage.goto(`${setup.server.url}/?table=${table}&user=Grace&mode=full`)
    await fullPage.waitForFunction(() => (globalThis as { demo?: { ready?: boolean } }).demo?.ready)
    await fullPage.waitForSelector('#status[data-status="synced"]', { timeout: 60_000 })
    expect(await fullPage.locator('#window-mode').count()).toBe(0)

    await typeInto(windowed, 1, 'title', 'from the window')
    await expect
      .poll(() => shown(fullPage, 1, 'title'), { timeout: 20_000 })
      .toBe('from the window')
    await typeInto(fullPage, 2, 'title', 'from the full replica')
    await expect
      .poll(() => shown(windowed, 2, 'title'), { timeout: 20_000 })
      .toBe('from the full replica')
    await typeInto(windowed, 3, 'n', '1,200')
    await expect.poll(() => shown(fullPage, 3, 'n'), { timeout: 20_000 }).toBe('1200')
    const ids = node.table.rowIds()
    await expect.poll(() => node.table.getRow(ids[1]!)?.title).toBe('from the window')
    await expect.poll(() => node.table.getRow(ids[2]!)?.title).toBe('from the full replica')
    expect(node.table.getRow(ids[3]!)?.n).toBe(1200)

    // Scrolling to the end moves the window: the last rows arrive from the server.
    const grid = await cellBounds(windowed, 0, 'title')
    await windowed.mouse.move(grid.x + grid.width / 2, grid.y + grid.height * 4)
    await windowed.mouse.wheel(0, count * 40)
    await expect
      .poll(() => shown(windowed, count - 1, 'title'), { timeout: 20_000 })
      .toBe(`Row ${count}`)
    expect(await demo(windowed, (d) => d.result.offset)).toBeGreaterThan(count - 500)
    await windowed.screenshot({ path: join(screenshots, 'demo-window-mode-end.png') })
  })

  it('S156: rows added and deleted in window mode reach a full replica; a refused value says why', async () => {
    const table = freshTable('big')
    const count = windowThreshold + 10
    const node = await seedBig(table, count)
    const page = await openDemo(setup.browser, setup.server.url, table, {
      user: 'Ada',
      mode: 'window',
    })
    await expect.poll(() => shown(page, 0, 'title')).toBe('Row 1')
    await page.click('#add-row')
    await expect.poll(() => node.table.size, { timeout: 20_000 }).toBe(count + 1)
    // Select the first row by its row marker (left of the first column), then delete it.
    const first = node.table.rowIds()[0]!
    const bounds = await cellBounds(page, 0, 'title')
    await page.mouse.click(bounds.x - 15, bounds.y + bounds.height / 2)
    await expect.poll(() => page.locator('#delete-rows').textContent()).toBe('Delete row')
    await page.click('#delete-rows')
    await expect.poll(() => node.table.hasRow(first), { timeout: 20_000 }).toBe(false)
    await expect.poll(() => shown(page, 0, 'title')).toBe('Row 2')
    await expect
      .poll(() => page.locator('#window-mode').textContent())
      .toContain(`of ${count.toLocaleString('en')} rows loaded`)
    await typeInto(page, 4, 'n', 'lots')
    await expect
      .poll(() => page.locator('.notice, [role="alert"]').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('"lots" is not a number')]))
    expect(node.table.getRow(node.table.rowIds()[4]!)?.n).toBe(6)
  })

  it('S177: the whole table loads behind the window and the page switches to it; an edit made while it loaded is kept everywhere', async () => {
    const table = freshTable('big')
    const count = windowThreshold + 5_000
    const node = await seedBig(table, count)
    const id = node.table.rowIds()[1]!
    // The whole table's socket gets nothing from the server until the test has edited through
    // the window: a fast load cannot finish before the page is read (no race with the load).
    let whole: HeldSocket | undefined
    const page = await openDemo(setup.browser, setup.server.url, table, {
      user: 'Ada',
      beforeLoad: async (opened) => {
        whole = await holdSocket(opened, isFullReplicaOf(table))
      },
    })
    await whole!.opened
    await page.waitForSelector('body[data-whole="loading"]')
    // The window is painted and the whole table still loading: edit through the window client.
    const during = await page.evaluate((row) => {
      const state = (globalThis as unknown as { demo: { mode?: string; conn: unknown } }).demo
      const badge = document.getElementById('window-mode')?.textContent ?? ''
      if (state.mode !== 'window' || document.body.dataset.whole !== 'loading') return { badge }
      ;(state.conn as { setCell(r: string, c: string, v: string): void }).setCell(
        row,
        'title',
        'edited while loading',
      )
      return { badge, isEdited: true }
    }, id)
    expect(during.badge).toMatch(/^loading the whole table: \d+ %$/)
    expect(during.isEdited).toBe(true)
    whole!.release()
    await page.waitForSelector('body[data-whole="in"]', { timeout: 120_000 })
    await expect.poll(() => page.locator('#window-mode').count(), { timeout: 60_000 }).toBe(0)
    await expect
      .poll(() => demo(page, (d) => d.conn.table.getCell(d.result.rows[1]!.id, 'title')))
      .toBe('edited while loading')
    expect(await demo(page, (d) => d.conn.table.rowIds().length)).toBe(count)
    await expect.poll(() => node.table.getRow(id)?.title).toBe('edited while loading')
    const second = connectTable({ url: setup.server.url, table, WebSocket })
    onTestFinished(() => second.close())
    await second.whenSynced()
    expect(second.table.getRow(id)?.title).toBe('edited while loading')
    // The switched page is the full replica: its edits reach the others.
    await typeInto(page, 2, 'title', 'after the switch')
    await expect
      .poll(() => node.table.getRow(node.table.rowIds()[2]!)?.title)
      .toBe('after the switch')
  })
})

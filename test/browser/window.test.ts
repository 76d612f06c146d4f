// Two users in real Chromium (two browser contexts, so two IndexedDBs) on one table through a
// real server: one a window client (connectQuery), one a full replica (connectTable). Their edits
// reach each other, and the window user's offline edits survive a reload from the real
// IndexedDB copy and reach the full user once the network is back (S135, S140).
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import { connectTable } from '../../client/index.js'
import { launchChromium } from './demo-server.js'
import { startPageServer, type PageServer } from './window-page/serve.js'

let browser: Browser
let server: PageServer

beforeAll(async () => {
  server = await startPageServer()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function seed(table: string, count: number): Promise<void> {
  const conn = connectTable({
    url: server.url,
    table,
    WebSocket,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
      { name: 'done', type: 'boolean', default: false },
    ],
  })
  await conn.whenSynced()
  conn.table.insertRows(Array.from({ length: count }, (_, i) => ({ title: `Row ${i}`, n: i })))
  await conn.whenSaved()
  await conn.close()
}

/** A user's own profile; `isNetworkDown()` closes every WebSocket the page opens meanwhile. */
async function user(isNetworkDown: () => boolean = () => false): Promise<BrowserContext> {
  const context = await browser.newContext()
  onTestFinished(() => context.close())
  await context.routeWebSocket(/.*/, (socket) => {
    if (isNetworkDown()) void socket.close()
    else socket.connectToServer()
  })
  return context
}

async function open(context: BrowserContext, table: string, mode: string): Promise<Page> {
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  await page.goto(`${server.url}/?table=${table}&mode=${mode}`)
  await page.waitForSelector('body[data-first-window="true"]')
  return page
}

const cellText = (page: Page, row: string, column: string) =>
  page.locator(`tr[data-row="${row}"] td[data-column="${column}"]`)

describe('window client in Chromium', () => {
  it('S140: a window user and a full user converge, and offline window edits survive a reload from IndexedDB', async () => {
    const table = `window-${process.pid}-${Date.now()}`
    await seed(table, 300)
    let isDown = false
    const windowUser = await user(() => isDown)
    const fullUser = await user()
    const win = await open(windowUser, table, 'window')
    const full = await open(fullUser, table, 'full')
    await win.waitForSelector('body[data-status="synced"]')
    await full.waitForSelector('body[data-status="synced"]')
    // Both show the top 50 rows by n, descending: the same first row.
    const top = await win.locator('tr').first().getAttribute('data-row')
    expect(await full.locator('tr').first().getAttribute('data-row')).toBe(top)
    expect(await win.locator('tr').count()).toBe(50)

    await win.evaluate((id) => {
      ;(window as never as { page: { setCell(...a: unknown[]): void } }).page.setCell(
        id,
        'title',
        'from the window',
      )
    }, top!)
    await expect.poll(() => cellText(full, top!, 'title').textContent()).toBe('from the window')
    const second = await full.locator('tr').nth(1).getAttribute('data-row')
    await full.evaluate((id) => {
      const { page } = window as never as {
        page: { table: { updateRow(id: string, cells: object): void } }
      }
      page.table.updateRow(id, { title: 'from the full replica' })
    }, second!)
    await expect
      .poll(() => cellText(win, second!, 'title').textContent())
      .toBe('from the full replica')

    // Offline: the window user edits, then reloads with the network down.
    await win.evaluate(async (id) => {
      const { page } = window as never as {
        page: {
          disconnect(): void
          setCell(...a: unknown[]): void
          insertRow(cells: object): string
          whenStored(): Promise<void>
        }
      }
      page.disconnect()
      page.setCell(id, 'done', true)
      page.insertRow({ title: 'inserted offline', n: 1000 })
      await page.whenStored()
    }, top!)
    isDown = true
    await win.reload()
    await win.waitForSelector('body[data-first-window="true"]')
    expect(await cellText(win, top!, 'done').textContent()).toBe('true')
    expect(await win.locator('tr').first().locator('td').first().textContent()).toBe(
      'inserted offline',
    )
    expect(await win.locator('#unsaved').textContent()).toBe('2')
    expect(await win.getAttribute('body', 'data-status')).not.toBe('synced')

    isDown = false
    await win.reload()
    await win.waitForSelector('body[data-status="synced"]')
    await expect.poll(() => win.locator('#unsaved').textContent()).toBe('0')
    await expect.poll(() => cellText(full, top!, 'done').textContent()).toBe('true')
    await expect
      .poll(() => full.locator('tr').first().locator('td').first().textContent())
      .toBe('inserted offline')
    expect(await full.locator('#total').textContent()).toBe('301')
  })
})

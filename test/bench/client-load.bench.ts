// Time to the first rendered window of the demo grid on a 100,000-row table, in real Chromium:
// from the server on a cold cache, and from IndexedDB with the network down.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { connectTable } from '../../client/index.js'
import { buildDemo, startDemoServer } from '../browser/demo-server.js'
import { median, report } from './report.js'

const rowCount = Number(process.env.TESSERA_BENCH_ROWS || 100_000)
const runs = 3

async function seed(url: string, table: string): Promise<number> {
  const conn = connectTable({
    url,
    table,
    WebSocket,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
      { name: 'done', type: 'boolean', default: false },
      { name: 'note', type: 'string' },
    ],
  })
  await conn.whenSynced()
  const start = performance.now()
  for (let from = 0; from < rowCount; from += 10_000) {
    const size = Math.min(10_000, rowCount - from)
    conn.table.insertRows(
      Array.from({ length: size }, (_, i) => ({
        title: `Row ${from + i + 1}`,
        n: from + i + 1,
        done: (from + i) % 3 === 0,
        note: `note ${(from + i) % 97}`,
      })),
    )
  }
  await conn.whenSaved()
  const elapsed = performance.now() - start
  await conn.close()
  return elapsed
}

/**
 * Opens the demo; returns the page's times (ms since navigation start) to the table's rows in
 * memory and to the first rendered window.
 */
async function firstWindow(page: Page, url: string): Promise<[number, number]> {
  await page.goto(url)
  await page.waitForSelector('body[data-first-window="true"]', { timeout: 600_000 })
  const count = await page.locator('#count').textContent()
  expect(count).toBe(`${rowCount.toLocaleString('en')} rows`)
  // Only a window of the rows is materialized for the grid.
  const loaded = await page.evaluate(
    () => (window as never as { demo: { result: { rows: unknown[] } } }).demo.result.rows.length,
  )
  expect(loaded).toBeLessThan(1000)
  return page.evaluate(() => {
    const { demo } = window as never as { demo: { dataMs: number; firstWindowMs: number } }
    return [demo.dataMs, demo.firstWindowMs] as [number, number]
  })
}

it('measures the time to the first rendered window of a 100,000-row table', async () => {
  buildDemo()
  const server = await startDemoServer()
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const table = `bench-${Date.now()}`
    const seedMs = await seed(server.url, table)
    const pageUrl = `${server.url}/?table=${table}&user=Bench`
    const cold: [number, number][] = []
    const offline: [number, number][] = []
    let stored: BrowserContext | undefined
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } })
      const page = await context.newPage()
      cold.push(await firstWindow(page, pageUrl))
      await page.waitForSelector('#status[data-status="synced"]', { timeout: 600_000 })
      await page.evaluate(() =>
        (
          window as never as { demo: { conn: { whenStored(): Promise<void> } } }
        ).demo.conn.whenStored(),
      )
      if (stored === undefined) stored = context
      else await context.close()
    }
    // The network is down: every WebSocket the page opens is closed at once (the page still
    // loads from the server; the table comes from IndexedDB only).
    await stored!.routeWebSocket(/.*/, (socket) => {
      void socket.close()
    })
    const page = await stored!.newPage()
    for (let run = 0; run < runs; run++) offline.push(await firstWindow(page, pageUrl))
    expect(await page.locator('#status').getAttribute('data-status')).not.toBe('synced')
    await stored!.close()

    const ms = (value: number) => `${Math.round(value)} ms`
    const row = (name: string, samples: [number, number][]) => [
      name,
      ms(median(samples.map(([, first]) => first))),
      ms(median(samples.map(([data]) => data))),
      samples.map(([, first]) => ms(first)).join(', '),
    ]
    report(
      'client-load',
      `Demo grid, first rendered window of ${rowCount.toLocaleString('en')} rows × 4 columns (Chromium ${browser.version()})`,
      ['measure', `first window, median of ${runs}`, 'of which rows in memory', 'runs'],
      [
        row('from the server, cold cache (new profile)', cold),
        row('from IndexedDB, network down', offline),
        ['seeding: insert in Node + saved acknowledgement', ms(seedMs), '', '1 run'],
      ],
    )
  } finally {
    await browser.close()
    await server.close()
  }
})

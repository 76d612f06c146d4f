// Time to the first painted window of a 100,000-row × 10-column table in real Chromium with a
// window client (connectQuery): cold cache, and from its IndexedDB copy with the network down;
// beside a full replica (connectTable + liveQuery) of the same table in the same run; then the
// full replica loaded behind the window, from a server that sends joins in slices (S175) and from
// one that sends one message, with the longest main-thread task and the worst key-press delay
// while it loads (#16 item 1).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { connectTable } from '../../client/index.js'
import { startPageServer } from '../browser/window-page/serve.js'
import { median, report } from './report.js'

const rowCount = Number(process.env.TESSERA_BENCH_ROWS || 100_000)
const runs = 3
const extraColumns = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const

async function seed(url: string, table: string): Promise<void> {
  const conn = connectTable({
    url,
    table,
    WebSocket,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
      { name: 'done', type: 'boolean', default: false },
      ...extraColumns.map((name) => ({ name, type: 'string' as const })),
    ],
  })
  await conn.whenSynced()
  for (let from = 0; from < rowCount; from += 10_000) {
    const size = Math.min(10_000, rowCount - from)
    conn.table.insertRows(
      Array.from({ length: size }, (_, i) => {
        const n = from + i
        const row: Record<string, string | number | boolean> = {
          title: `Row ${n}`,
          n,
          done: n % 3 === 0,
        }
        for (const name of extraColumns) row[name] = `${name} ${n % 997}`
        return row
      }),
    )
  }
  await conn.whenSaved()
  await conn.close()
}

/** Opens the page; returns ms from navigation start to the first painted rows, and bytes received. */
async function firstWindow(page: Page, url: string): Promise<[number, number]> {
  let bytes = 0
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      bytes += typeof payload === 'string' ? payload.length : payload.byteLength
    })
  })
  await page.goto(url)
  await page.waitForSelector('body[data-first-window="true"]', { timeout: 600_000 })
  expect(await page.locator('tr').count()).toBe(50)
  const ms = await page.evaluate(() => (window as never as { firstWindowMs: number }).firstWindowMs)
  return [ms, bytes]
}

interface Behind {
  firstMs: number
  fullMs: number
  rows: number
  longestTaskMs: number
  longTasks: number
  worstKeyMs: number
  keys: number
}

/**
 * Opens the page in `behind` mode: the window client paints, then the full replica loads behind
 * it while key presses are sent one after another; returns its figures.
 */
async function behind(page: Page, url: string): Promise<Behind> {
  await page.goto(url)
  await page.waitForSelector('body[data-first-window="true"]', { timeout: 600_000 })
  let isDone = false
  const done = page.waitForSelector('body[data-full]', { timeout: 600_000 }).finally(() => {
    isDone = true
  })
  // One key press after another: each waits until the page handled it.
  while (!isDone) await page.keyboard.press('a')
  await done
  return page.evaluate(() => {
    const probe = window as never as {
      firstWindowMs: number
      fullMs: number
      longTasks: { startMs: number; ms: number }[]
      keyDelays: { atMs: number; ms: number }[]
    }
    const during = <T extends { startMs?: number; atMs?: number }>(list: T[]) =>
      list.filter((entry) => {
        const at = entry.startMs ?? entry.atMs ?? 0
        return at >= probe.firstWindowMs && at <= probe.fullMs
      })
    const tasks = during(probe.longTasks)
    const keys = during(probe.keyDelays)
    return {
      firstMs: probe.firstWindowMs,
      fullMs: probe.fullMs,
      rows: Number(document.body.dataset.full),
      longestTaskMs: Math.max(0, ...tasks.map((task) => task.ms)),
      longTasks: tasks.length,
      worstKeyMs: Math.max(0, ...keys.map((key) => key.ms)),
      keys: keys.length,
    }
  })
}

/** Cold (a new profile), then from the offline copies of that profile (network up). */
async function behindRuns(browser: Browser, url: string): Promise<[Behind, Behind]> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    const cold = await behind(page, url)
    await page.evaluate(() =>
      (window as never as { full: { close(): Promise<void> } }).full.close(),
    )
    const warm = await behind(await context.newPage(), url)
    return [cold, warm]
  } finally {
    await context.close()
  }
}

it('measures the first painted window of a 100,000-row table with a window client', async () => {
  const server = await startPageServer()
  const oneMessage = await startPageServer({ joinSliceBytes: 0 })
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const table = `bench-window-${Date.now()}`
    await Promise.all([seed(server.url, table), seed(oneMessage.url, table)])
    const windowUrl = `${server.url}/?table=${table}&mode=window`
    const cold: [number, number][] = []
    let stored: BrowserContext | undefined
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext()
      const page = await context.newPage()
      cold.push(await firstWindow(page, windowUrl))
      await page.evaluate(() =>
        (window as never as { page: { whenStored(): Promise<void> } }).page.whenStored(),
      )
      if (stored === undefined) stored = context
      else await context.close()
    }
    // The network is down: every WebSocket the page opens is closed at once.
    await stored!.routeWebSocket(/.*/, (socket) => {
      void socket.close()
    })
    const offline: [number, number][] = []
    const page = await stored!.newPage()
    for (let run = 0; run < runs; run++) offline.push(await firstWindow(page, windowUrl))
    await stored!.close()

    const fullContext = await browser.newContext()
    const full = await firstWindow(
      await fullContext.newPage(),
      `${server.url}/?table=${table}&mode=full`,
    )
    await fullContext.close()
    const behindUrl = (base: string) => `${base}/?table=${table}&mode=behind`
    const sliced = await behindRuns(browser, behindUrl(server.url))
    const whole = await behindRuns(browser, behindUrl(oneMessage.url))
    for (const figures of [...sliced, ...whole]) expect(figures.rows).toBe(rowCount)

    const ms = (value: number) => `${Math.round(value)} ms`
    const kb = (value: number) => `${(value / 1024).toFixed(1)} KB`
    const row = (name: string, samples: [number, number][]) => [
      name,
      ms(median(samples.map(([first]) => first))),
      samples.map(([first]) => ms(first)).join(', '),
      kb(median(samples.map(([, bytes]) => bytes))),
    ]
    report(
      'window-load',
      `First painted window (50 rows) of ${rowCount.toLocaleString('en')} rows × 10 columns, orderBy n desc (Chromium ${browser.version()})`,
      ['measure', `median of ${runs}`, 'runs (first: server index cold)', 'received'],
      [
        row('window client, cold cache (new profile)', cold),
        row('window client, from its IndexedDB copy, network down', offline),
        row('full replica (connectTable + liveQuery), cold cache', [full]),
      ],
    )
    const behindRow = (name: string, figures: Behind) => [
      name,
      ms(figures.firstMs),
      ms(figures.fullMs),
      `${ms(figures.longestTaskMs)} (${String(figures.longTasks)} over 50 ms)`,
      `${ms(figures.worstKeyMs)} (${String(figures.keys)} keys)`,
    ]
    report(
      'window-load-behind',
      `The full replica loaded behind the first window, ${rowCount.toLocaleString('en')} rows × 10 columns (Chromium ${browser.version()})`,
      [
        'join',
        'first window',
        'full table in',
        'longest task while it loads',
        'worst key-press delay',
      ],
      [
        behindRow('slices (S175), cold cache', sliced[0]),
        behindRow('slices, from the offline copies', sliced[1]),
        behindRow('one message (joinSliceBytes 0), cold cache', whole[0]),
        behindRow('one message, from the offline copies', whole[1]),
      ],
    )
  } finally {
    await browser.close()
    await server.close()
    await oneMessage.close()
  }
})

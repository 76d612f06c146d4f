// The demo's Import CSV and Export CSV buttons in real Chromium against a real server: the import
// shows its progress and reaches every connected page, the export downloads the table as CSV.
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { expect, it, onTestFinished } from 'vitest'
import { useDemo } from './demo-server.js'

const setup = useDemo()

/**
 * S111: each import's upload waits until the page follows that import's progress stream (its
 * response has arrived): the page opens both at once, and an upload that finished before the
 * stream opened would show no step between 0 and 100, however right the page is.
 */
async function holdUploadsUntilFollowed(page: Page): Promise<void> {
  const followed = new Set<string>()
  const waiting = new Map<string, () => void>()
  const jobOf = (url: URL): string => url.searchParams.get('job') ?? ''
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (!url.pathname.endsWith('/import/progress')) return
    followed.add(jobOf(url))
    waiting.get(jobOf(url))?.()
  })
  await page.route(
    (url) => url.pathname.endsWith('/import'),
    async (route) => {
      const job = jobOf(new URL(route.request().url()))
      if (!followed.has(job)) await new Promise<void>((resolve) => waiting.set(job, resolve))
      await route.continue()
    },
  )
}

/** The demo on `table` in its own browser profile, with the progress values it shows recorded. */
async function openDemo(table: string): Promise<Page> {
  const context = await setup.browser.newContext({ viewport: { width: 1400, height: 700 } })
  onTestFinished(() => context.close())
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  await holdUploadsUntilFollowed(page)
  await page.goto(`${setup.server.url}/?table=${table}&create=1&user=csv`)
  await page.waitForSelector('body[data-loaded="true"]')
  await page.waitForSelector('#status[data-status="synced"]')
  await page.evaluate(() => {
    const seen: number[] = []
    Object.assign(window, { percents: seen })
    const bar = document.querySelector('progress[data-csv="progress"]')!
    new MutationObserver(() => {
      const percent = (bar as HTMLElement).dataset.percent
      if (percent !== undefined && percent !== '') seen.push(Number(percent))
    }).observe(bar, { attributes: true, attributeFilter: ['data-percent'] })
  })
  return page
}

/** The progress values the page's bar showed, in order. */
const percentsOf = (page: Page): Promise<number[]> =>
  page.evaluate(() => (window as unknown as { percents: number[] }).percents)

const rows = 20_000
const csv =
  'title,done,amount\r\n' +
  Array.from(
    { length: rows },
    (_, n) => `"item ${n}, from CSV",${n % 2 === 0},"${(n * 1000).toLocaleString('en')}"`,
  ).join('\r\n') +
  '\r\n'

it('S111: Import CSV uploads a file with a progress bar, and every page shows the rows', async () => {
  const table = `csv-import-${process.pid}-${Date.now()}`
  const page = await openDemo(table)
  const other = await openDemo(table)
  await page.setInputFiles('input[data-csv="file"]', {
    name: 'items.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  })
  await page.waitForSelector(`[data-csv="status"]:text("Imported ${rows} rows")`, {
    timeout: 60_000,
  })
  const percents = await percentsOf(page)
  expect(percents.at(-1)).toBe(100)
  expect(percents.some((percent) => percent > 0 && percent < 100)).toBe(true)
  await other.waitForFunction(
    (count) =>
      (window as unknown as { demo: { conn: { table: { size: number } } } }).demo.conn.table
        .size === count,
    rows,
    { timeout: 60_000 },
  )
  const row = await other.evaluate(() => {
    const { table: shown } = (
      window as unknown as { demo: { conn: { table: { listRows(): unknown[] } } } }
    ).demo.conn
    return shown.listRows()[1]
  })
  expect(row).toMatchObject({ title: 'item 1, from CSV', done: false, amount: 1000 })
})

it('S110: Export CSV downloads the table as CSV, as the server exports it', async () => {
  const table = `csv-export-${process.pid}-${Date.now()}`
  const page = await openDemo(table)
  await page.setInputFiles('input[data-csv="file"]', {
    name: 'items.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  })
  await page.waitForSelector(`[data-csv="status"]:text("Imported ${rows} rows")`, {
    timeout: 60_000,
  })
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('button[data-csv="export"]'),
  ])
  expect(download.suggestedFilename()).toBe(`${table}.csv`)
  const downloaded = readFileSync(await download.path(), 'utf8')
  const expected = await (await fetch(`${setup.server.url}/tables/${table}/export.csv`)).text()
  expect(downloaded).toBe(expected)
  expect(downloaded.split('\r\n')[0]).toBe('id,title,done,amount')
  await page.waitForSelector(`[data-csv="status"]:text("Exported ${rows} rows")`)
  const percents = await percentsOf(page)
  expect(percents.at(-1)).toBe(100)
})

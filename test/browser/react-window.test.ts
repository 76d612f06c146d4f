// tessera/react's window hooks (useQueryConnection, useQueryWindow) in real Chromium with real
// React (a development build, in StrictMode) against a real server, while a full replica in
// Node edits the same table: what renders, and when (S155).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { WebSocket } from 'ws'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { connectTable, type Connection } from '../../client/index.js'
import { launchChromium, repoRoot, startDemoServer, type DemoServer } from './demo-server.js'
import type { WindowHarness } from './react/window-app.js'

const pageDir = join(repoRoot, 'dist/test-react-window-harness')
let browser: Browser
let server: DemoServer
let tableCounter = 0

beforeAll(async () => {
  mkdirSync(pageDir, { recursive: true })
  await build({
    entryPoints: [join(import.meta.dirname, 'react/app.tsx')],
    bundle: true,
    format: 'esm',
    outfile: join(pageDir, 'main.js'),
    define: { 'process.env.NODE_ENV': '"development"' },
    jsx: 'automatic',
    logLevel: 'warning',
  })
  writeFileSync(
    join(pageDir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="main.js"></script>',
  )
  server = await startDemoServer({ staticDir: pageDir })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** A full replica in Node with `count` rows titled "Row 01"…, closed when the test ends. */
async function seeded(table: string, count: number): Promise<{ node: Connection; ids: string[] }> {
  const node = connectTable({
    url: server.url,
    table,
    WebSocket,
    columns: [{ name: 'title', type: 'string' }],
  })
  onTestFinished(() => node.close())
  await node.whenSynced()
  const ids = node.table.insertRows(
    Array.from({ length: count }, (_, n) => ({ title: `Row ${String(n + 1).padStart(2, '0')}` })),
  )
  await node.whenSaved()
  return { node, ids }
}

async function openWindowPage(table: string): Promise<Page> {
  const context = await browser.newContext()
  onTestFinished(() => context.close())
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  await page.goto(`${server.url}/?mode=window&table=${table}`)
  await page.waitForSelector('#status:text("synced")')
  return page
}

const read = (page: Page) =>
  page.evaluate(() => {
    const { renders, commits } = (window as never as { windowHarness: WindowHarness }).windowHarness
    return { renders: { ...renders }, commits }
  })
const titles = (page: Page) => page.locator('#rows li').allTextContents()
const drive = (page: Page, run: (harness: WindowHarness) => void) =>
  page.evaluate(`(${run.toString()})(window.windowHarness)`)
const changedIds = (before: Record<string, number>, after: Record<string, number>) =>
  Object.keys(after).filter((id) => after[id] !== before[id])

describe('tessera/react window hooks in Chromium', () => {
  it('S155: a full replica edit renders only its row, once; a window move renders only the rows that enter', async () => {
    const table = `react-window-${process.pid}-${++tableCounter}`
    const { node, ids } = await seeded(table, 40)
    const page = await openWindowPage(table)
    await expect.poll(() => page.locator('#total').textContent()).toBe('40')
    await expect.poll(() => page.locator('#rows li').count()).toBe(20)
    const before = await read(page)

    node.table.updateRow(ids[4]!, { title: 'Row 05 changed by Node' })
    await expect.poll(async () => (await titles(page))[4]).toBe('Row 05 changed by Node')
    const afterUpdate = await read(page)
    expect(changedIds(before.renders, afterUpdate.renders)).toEqual([ids[4]])
    // One diff, one commit of the window component.
    expect(afterUpdate.commits - before.commits).toBe(1)

    await drive(page, (harness) => harness.setWindow({ offset: 10, limit: 20 }))
    await expect.poll(async () => (await titles(page))[0]).toBe('Row 11')
    const afterMove = await read(page)
    // Rows 11–20 were in the old window and keep their objects; only rows 21–30 render.
    expect(changedIds(afterUpdate.renders, afterMove.renders).sort()).toEqual(
      ids.slice(20, 30).sort(),
    )
    expect(await page.locator('#rows').getAttribute('start')).toBe('11')
  })

  it('S155: an edit through the hook shows at once, is saved, and reaches the full replica', async () => {
    const table = `react-window-${process.pid}-${++tableCounter}`
    const { node, ids } = await seeded(table, 5)
    const page = await openWindowPage(table)
    await expect.poll(() => titles(page)).toHaveLength(5)
    const before = await read(page)
    await drive(page, (harness) => {
      const conn = harness.conn as { rows: { id: string }[]; setCell(...args: unknown[]): void }
      conn.setCell(conn.rows[2]!.id, 'title', 'Row 03 edited in the page')
    })
    await expect.poll(async () => (await titles(page))[2]).toBe('Row 03 edited in the page')
    await expect.poll(() => node.table.getRow(ids[2]!)?.title).toBe('Row 03 edited in the page')
    await expect.poll(() => page.locator('#unsaved').textContent()).toBe('0')
    const after = await read(page)
    expect(changedIds(before.renders, after.renders)).toEqual([ids[2]])
  })

  it('S155: unmounting closes the window connection', async () => {
    const table = `react-window-${process.pid}-${++tableCounter}`
    await seeded(table, 1)
    const page = await openWindowPage(table)
    const status = () =>
      page.evaluate(() => (window as never as { kept: { status: string } }).kept.status)
    await page.evaluate(() => {
      const global = window as never as { windowHarness: WindowHarness; kept: unknown }
      global.kept = global.windowHarness.conn
    })
    expect(await status()).toBe('synced')
    await page.evaluate(() =>
      (window as never as { harness: { setMounted(m: boolean): void } }).harness.setMounted(false),
    )
    await page.waitForSelector('#unmounted')
    await expect.poll(status).toBe('offline')
  })
})

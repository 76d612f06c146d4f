// tessera/react in real Chromium with real React (a development build, in StrictMode) against a
// real server, while a Node client edits the same table: what renders, and when.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { WebSocket } from 'ws'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { connectTable, type Connection } from '../../client/index.js'
import { launchChromium, repoRoot, startDemoServer, type DemoServer } from './demo-server.js'

const pageDir = join(repoRoot, 'dist/test-react-harness')
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
  // The README's React example, as it is, beside the harness (readme.html).
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
  writeFileSync(join(pageDir, 'readme.tsx'), /```tsx\n([\s\S]*?)```/.exec(readme)![1]!)
  await build({
    entryPoints: [join(pageDir, 'readme.tsx')],
    bundle: true,
    format: 'esm',
    outfile: join(pageDir, 'readme.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    alias: { 'tessera/react': join(repoRoot, 'client/react/index.ts') },
    logLevel: 'warning',
  })
  writeFileSync(
    join(pageDir, 'readme.html'),
    '<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="readme.js"></script>',
  )
  server = await startDemoServer({ staticDir: pageDir })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

interface Harness {
  renders: Record<string, number>
  setWindow(window: { offset: number; limit: number }): void
  setFilter(text: string): void
  setMounted(mounted: boolean): void
  conn: { table: { insertRow(cells: object): string }; presence: { clientId: number } } | undefined
}

/** A Node client of the table (ws), closed when the test ends. */
async function nodeClient(table: string): Promise<Connection> {
  const conn = connectTable({
    url: server.url,
    table,
    WebSocket,
    user: { id: 'node', name: 'Node', color: '#e6194b' },
    columns: [{ name: 'title', type: 'string' }],
  })
  onTestFinished(() => conn.close())
  await conn.whenSynced()
  return conn
}

async function openPage(table: string): Promise<Page> {
  const context = await browser.newContext()
  onTestFinished(() => context.close())
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  await page.goto(`${server.url}/?table=${table}`)
  await page.waitForSelector('#status:text("synced")')
  return page
}

const renders = (page: Page) =>
  page.evaluate(() => ({ ...(window as never as { harness: Harness }).harness.renders }))
const titles = (page: Page) => page.locator('#rows li').allTextContents()
const drive = (page: Page, run: (harness: Harness) => void) =>
  page.evaluate(`(${run.toString()})(window.harness)`)

describe('tessera/react in Chromium', () => {
  it('S120: a remote diff renders only the rows it changed; a window move only the rows that enter', async () => {
    const table = `react-${process.pid}-${++tableCounter}`
    const node = await nodeClient(table)
    const ids = node.table.insertRows(
      Array.from({ length: 30 }, (_, n) => ({ title: `Row ${n + 1}` })),
    )
    const page = await openPage(table)
    await expect.poll(() => page.locator('#total').textContent()).toBe('30')
    await expect.poll(() => page.locator('#rows li').count()).toBe(20)
    const before = await renders(page)

    node.table.updateRow(ids[4]!, { title: 'changed by Node' })
    await expect.poll(async () => (await titles(page))[4]).toBe('changed by Node')
    const afterUpdate = await renders(page)
    const changed = Object.keys(afterUpdate).filter((id) => afterUpdate[id] !== before[id])
    expect(changed).toEqual([ids[4]])

    node.table.insertRow({ title: 'new first' }, { before: ids[0]! })
    await expect.poll(async () => (await titles(page))[0]).toBe('new first')
    const afterInsert = await renders(page)
    const rendered = Object.keys(afterInsert).filter((id) => afterInsert[id] !== afterUpdate[id])
    expect(rendered).toHaveLength(1)
    expect(ids).not.toContain(rendered[0])

    await drive(page, (harness) => harness.setWindow({ offset: 10, limit: 20 }))
    await expect.poll(async () => (await titles(page))[0]).toBe('Row 10')
    const afterWindow = await renders(page)
    const entered = Object.keys(afterWindow).filter((id) => afterWindow[id] !== afterInsert[id])
    // Rows 10–19 were in the old window and stay; only the 10 that entered render.
    expect(entered.sort()).toEqual(ids.slice(19, 29).sort())
  })

  it('S120: status, unsaved count, undo, presence and columns follow the connection', async () => {
    const table = `react-${process.pid}-${++tableCounter}`
    const node = await nodeClient(table)
    const page = await openPage(table)
    expect(await page.locator('#columns').textContent()).toBe('title')
    await drive(page, (harness) => harness.conn!.table.insertRow({ title: 'from the page' }))
    await expect.poll(() => page.locator('#undo').textContent()).toBe('true')
    await expect.poll(() => page.locator('#unsaved').textContent()).toBe('0')
    await expect.poll(() => node.table.size).toBe(1)
    const id = node.table.rowIds()[0]!
    node.presence.setSelection({ row: id, column: 'title' })
    await expect.poll(() => page.locator('#peers').textContent()).toBe(`Node@${id}`)
    node.table.addColumn({ name: 'done', type: 'boolean' })
    await expect.poll(() => page.locator('#columns').textContent()).toBe('title,done')
    await drive(page, (harness) => harness.setFilter('nothing matches'))
    await expect.poll(() => page.locator('#total').textContent()).toBe('0')
  })

  it("S120: the README's React example shows the open todos and follows the table", async () => {
    const node = await nodeClient('todos')
    node.table.addColumn({ name: 'done', type: 'boolean', default: false })
    node.table.insertRows([{ title: 'open one' }, { title: 'done one', done: true }])
    const context = await browser.newContext()
    onTestFinished(() => context.close())
    const page = await context.newPage()
    await page.goto(`${server.url}/readme.html`)
    const items = page.locator('li')
    await expect.poll(() => items.allTextContents()).toEqual(['open one'])
    expect(await page.locator('ul').getAttribute('title')).toBe('1 open')
    node.table.insertRow({ title: 'open two' })
    await expect.poll(() => items.allTextContents()).toEqual(['open one', 'open two'])
  })

  it('S120: StrictMode opens one connection, and unmounting closes it', async () => {
    const table = `react-${process.pid}-${++tableCounter}`
    const node = await nodeClient(table)
    const page = await openPage(table)
    const clientId = await page.evaluate(
      () => (window as never as { harness: Harness }).harness.conn!.presence.clientId,
    )
    // StrictMode mounts, unmounts and mounts again: the first connection must be gone.
    await expect.poll(() => node.presence.peers().map((peer) => peer.clientId)).toEqual([clientId])
    await drive(page, (harness) => harness.setMounted(false))
    await page.waitForSelector('#unmounted')
    await expect.poll(() => node.presence.peers().length).toBe(0)
  })
})

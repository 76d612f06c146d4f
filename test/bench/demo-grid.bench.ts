// The demo grid (Glide Data Grid through tessera/react) beside the previous hand-written grid, in
// one run, in real Chromium, on a 100,000-row table each: first window, keystroke to paint of a cell
// edit, paste of 1,000 × 5 cells (to painted and to saved), scrolling frame times, page memory.
import { join } from 'node:path'
import type { Browser, CDPSession, Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { connectTable } from '../../client/index.js'
import { launchChromium } from '../browser/demo-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { probes, startGridServer } from './grid-pages.js'
import { median, percentile, report } from './report.js'

const rowCount = Number(process.env.TESSERA_BENCH_ROWS || 100_000)
const edits = 15
const scrollFrames = 240
const pasteRows = 1000
const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const },
  { name: 'done', type: 'boolean' as const, default: false },
  { name: 'note', type: 'string' as const },
  { name: 'price', type: 'number' as const },
]

async function seed(url: string, table: string): Promise<void> {
  const conn = connectTable({ url, table, WebSocket, columns })
  await conn.whenSynced()
  for (let from = 0; from < rowCount; from += 10_000) {
    conn.table.insertRows(
      Array.from({ length: Math.min(10_000, rowCount - from) }, (_, i) => ({
        title: `Row ${from + i + 1}`,
        n: from + i + 1,
        done: (from + i) % 3 === 0,
        note: `note ${(from + i) % 97}`,
        price: ((from + i) % 1000) * 1.5,
      })),
    )
  }
  await conn.whenSaved()
  await conn.close()
}

/** What differs between the two pages: how to wait for them, edit a cell, find the scroller. */
interface GridDriver {
  readonly name: string
  readonly path: string
  /** Edits the title of view row `row` by typing `text` and Enter; the page's probe is armed. */
  type(page: Page, row: number, text: string): Promise<void>
  /** Page-side expression: true once the title of view row `row` shows `text`. */
  shows(row: number, text: string, column?: number): string
  readonly scroller: string
  /** Selects the first cell and pastes rows of text there; undefined: the grid cannot paste. */
  paste?(page: Page, text: string, arm: () => Promise<void>): Promise<void>
}

/**
 * Selects cell (0, row) of the Glide grid by a click, unless the keyboard already moved there:
 * Glide opens the editor when the selected cell is clicked again.
 */
async function selectGlideCell(page: Page, row: number): Promise<void> {
  type Demo = {
    demo: {
      api: {
        current: { cellBounds(c: number, r: number): { x: number; y: number; height: number } }
      }
      selection: { current?: { cell: number[] } }
    }
  }
  const isThere = (r: number) => {
    const { demo } = globalThis as never as Demo
    const cell = demo.selection.current?.cell
    return cell?.[0] === 0 && cell[1] === r
  }
  if (await page.evaluate(isThere, row)) return
  const b = await page.evaluate(
    (r) => (globalThis as never as Demo).demo.api.current.cellBounds(0, r),
    row,
  )
  await page.mouse.click(b.x + 6, b.y + b.height / 2)
  await page.waitForFunction(isThere, row)
}

const glide: GridDriver = {
  name: 'Glide Data Grid + tessera/react (now)',
  path: '/',
  async type(page, row, text) {
    await selectGlideCell(page, row)
    await page.keyboard.type(text)
    await page.keyboard.press('Enter')
  },
  shows: (row, text, column = 0) =>
    `globalThis.demo.api.current.displayText(${column}, ${row}) === ${JSON.stringify(text)}`,
  scroller: '.dvn-scroller',
  async paste(page, text, arm) {
    await selectGlideCell(page, 0)
    await page.evaluate((value) => navigator.clipboard.writeText(value), text)
    await arm()
    await page.keyboard.press('Control+V')
  },
}

const handWritten: GridDriver = {
  name: 'hand-written grid (before)',
  path: '/old/',
  async type(page, row, text) {
    const id = await page.evaluate(
      (r) =>
        (globalThis as never as { demo: { grid: { rows: { id: string }[] } } }).demo.grid.rows[r]!
          .id,
      row,
    )
    const cell = page.locator(`.cell[data-row="${id}"][data-column="title"]`)
    await cell.dblclick()
    await cell.locator('input').fill('')
    await page.keyboard.type(text)
    await page.keyboard.press('Enter')
  },
  shows: (row, text, column = 0) =>
    `(() => { const id = globalThis.demo.grid.rows[${row}]?.id; const name = ${JSON.stringify(columns[column]!.name)};` +
    ` const cell = document.querySelector('.cell[data-row="' + id + '"][data-column="' + name + '"]');` +
    ` return cell?.firstChild?.textContent === ${JSON.stringify(text)} })()`,
  scroller: '#grid-body',
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`

async function heap(cdp: CDPSession): Promise<{ heapMb: number; nodes: number }> {
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('Performance.enable')
  const { metrics } = await cdp.send('Performance.getMetrics')
  const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN
  return { heapMb: value('JSHeapUsedSize') / 2 ** 20, nodes: value('Nodes') }
}

/** The TSV of 1,000 rows × the 5 columns, and the text the first row's note cell shows after. */
const pasteText = (tag: string): string =>
  Array.from({ length: pasteRows }, (_, r) =>
    [
      `${tag} ${r}`,
      String(r * 10),
      r % 2 === 0 ? 'TRUE' : 'FALSE',
      `${tag} note ${r}`,
      `$${r}.50`,
    ].join('\t'),
  ).join('\n')

async function measure(browser: Browser, url: string, table: string, grid: GridDriver) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url })
  await context.addInitScript(probes)
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    console.error(`${grid.name}: ${error.message}`)
  })
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`${grid.name}: ${message.text()}`)
  })
  const step = (what: string) => {
    console.log(`${new Date().toISOString().slice(11, 19)} ${grid.name}: ${what}`)
  }
  step('opening')
  await page.goto(`${url}${grid.path}?table=${encodeURIComponent(table)}&user=Bench`)
  await page.waitForSelector('body[data-first-window="true"]', { timeout: 120_000 })
  await page.waitForSelector('#status[data-status="synced"]', { timeout: 600_000 })
  const firstWindowMs = await page.evaluate(
    () => (globalThis as never as { demo: { firstWindowMs: number } }).demo.firstWindowMs,
  )
  const cdp = await context.newCDPSession(page)
  const loaded = await heap(cdp)
  step('loaded; editing')

  const editMs: number[] = []
  for (let n = 0; n < edits; n++) {
    // Enter moves down: each edit is in the row below the last one.
    const row = 2 + n
    const text = `edit ${grid.path} ${n}`
    // The trailing 0: evaluate would otherwise wait for the promise it stores.
    await page.evaluate(
      `globalThis.bench.pending = globalThis.bench.afterKey('Enter', () => ${grid.shows(row, text)}); 0`,
    )
    await grid.type(page, row, text)
    editMs.push(await page.evaluate<number>('globalThis.bench.pending'))
    await page.evaluate(() =>
      (
        globalThis as never as { demo: { conn: { whenSaved(): Promise<void> } } }
      ).demo.conn.whenSaved(),
    )
  }

  step('pasting')
  const paste = await measurePaste(page, grid)
  step('scrolling')
  const frames = await page.evaluate<number[]>(
    `globalThis.bench.scroll(document.querySelector(${JSON.stringify(grid.scroller)}), 300, ${scrollFrames})`,
  )
  const scrolled = await heap(cdp)
  await context.close()
  return { firstWindowMs, loaded, editMs, paste, frames, scrolled }
}

/** Paste (or, for a grid without paste, the same cells written through the API) to painted and saved. */
async function measurePaste(
  page: Page,
  grid: GridDriver,
): Promise<{ painted: number; saved: number; how: string }> {
  const text = pasteText(grid.path)
  const painted = grid.shows(0, `${grid.path} note 0`, 3)
  // Armed right before the paste: the time of the key press, of the painted frame and of the
  // saved acknowledgement that follows the paste's change.
  const arm = async (): Promise<void> => {
    await page.evaluate(`
      globalThis.bench.start = 0
      const onKey = (e) => {
        if (e.code !== 'KeyV') return
        globalThis.bench.start = performance.now()
        window.removeEventListener('keydown', onKey, true)
      }
      window.addEventListener('keydown', onKey, true)
      globalThis.bench.saved = new Promise((resolve) => {
        let seen = false
        const stop = globalThis.demo.conn.on('unsaved', (n) => { if (n > 0) seen = true; else if (seen) { stop(); resolve(performance.now()) } })
      })
      globalThis.bench.pending = globalThis.bench.afterFrames(() => ${painted})
      0`)
  }
  if (grid.paste !== undefined) {
    await grid.paste(page, text, arm)
  } else {
    await arm()
    await page.evaluate((tsv) => {
      const { demo } = globalThis as never as {
        demo: {
          conn: {
            table: {
              rowIds(): string[]
              transact(f: () => void): void
              updateRow(id: string, cells: object): void
            }
          }
        }
      }
      const ids = demo.conn.table.rowIds().slice(0, 1000)
      const bench = (globalThis as never as { bench: { start: number } }).bench
      bench.start = performance.now()
      demo.conn.table.transact(() => {
        tsv.split('\n').forEach((line, r) => {
          const [title, n, done, note, price] = line.split('\t')
          demo.conn.table.updateRow(ids[r]!, {
            title,
            n: Number(n),
            done: done === 'TRUE',
            note,
            price: Number(price!.slice(1)),
          })
        })
      })
    }, text)
  }
  const end = await page.evaluate<number>('globalThis.bench.pending')
  const saved = await page.evaluate<number>('globalThis.bench.saved')
  const start = await page.evaluate<number>('globalThis.bench.start')
  expect(start).toBeGreaterThan(0)
  return {
    painted: end - start,
    saved: saved - start,
    how: grid.paste === undefined ? 'API write (no paste)' : 'Ctrl+V',
  }
}

it('measures the Glide grid beside the hand-written one on a 100,000-row table', async () => {
  const server = await startGridServer(join(tempDir(), 'bench.db'))
  const browser = await launchChromium()
  try {
    const results = []
    // Each grid gets its own freshly seeded table: neither opens the other's edits and paste.
    for (const grid of [glide, handWritten]) {
      const table = `grid-bench-${Date.now()}`
      await seed(server.url, table)
      results.push({ grid, ...(await measure(browser, server.url, table, grid)) })
    }
    const rows = results.map(({ grid, firstWindowMs, loaded, editMs, paste, frames, scrolled }) => [
      grid.name,
      ms(firstWindowMs),
      `${ms(median(editMs))} (p95 ${ms(percentile(editMs, 95))})`,
      `${ms(paste.painted)} / ${ms(paste.saved)} (${paste.how})`,
      `${ms(median(frames))} / ${ms(percentile(frames, 95))} / ${ms(Math.max(...frames))}; ${frames.filter((f) => f > 50).length} over 50 ms`,
      `${loaded.heapMb.toFixed(1)} MB, ${loaded.nodes} nodes`,
      `${scrolled.heapMb.toFixed(1)} MB, ${scrolled.nodes} nodes`,
    ])
    report(
      'demo-grid',
      `Demo grid on ${rowCount.toLocaleString('en')} rows × 5 columns, Chromium ${browser.version()} (old grid from commit ${server.commit})`,
      [
        'grid',
        'first window',
        `cell edit: Enter to painted, median of ${edits}`,
        `paste ${pasteRows.toLocaleString('en')} × 5: painted / saved`,
        `scroll 300 px a frame, ${scrollFrames} frames: median / p95 / max frame`,
        'JS heap, DOM nodes after load',
        'after scrolling',
      ],
      rows,
    )
  } finally {
    await browser.close()
    await server.close()
  }
})

// Live query cost per change against re-running the query from scratch (and TinyBase 10's sorted
// row ids), initial evaluation, and 1,000 remote edits in one update. Writes docs/benchmarks.md.
import { readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { createStore } from 'tinybase'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, type LiveQueryDiff, type Query, type Table } from '../../src/index.js'

const sizes = (process.env.TESSERA_BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number)
const tinybaseMax = Number(process.env.TESSERA_BENCH_TINYBASE_MAX ?? 100_000)
const query: Query = {
  where: { done: false },
  orderBy: [
    ['priority', 'desc'],
    ['score', 'asc'],
  ],
  limit: 50,
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
const microseconds = (ms: number): string => (ms * 1000).toFixed(1)
const milliseconds = (ms: number): string => ms.toFixed(ms < 10 ? 2 : 0)

// A deterministic generator, so every run measures the same table.
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function makeRows(
  size: number,
): { priority: number; score: number; done: boolean; title: string }[] {
  const next = random(size)
  return Array.from({ length: size }, (_, index) => ({
    title: `row ${index}`,
    priority: Math.floor(next() * 100),
    score: Math.round(next() * 1e6),
    done: index % 10 === 0,
  }))
}

function makeTable(size: number): Table {
  const table = createTable({
    columns: [
      { name: 'title', type: 'string' },
      { name: 'priority', type: 'number', default: 0 },
      { name: 'score', type: 'number', default: 0 },
      { name: 'done', type: 'boolean', default: false },
    ],
  })
  const rows = makeRows(size)
  for (let start = 0; start < size; start += 100_000)
    table.insertRows(rows.slice(start, start + 100_000))
  return table
}

/** Times the live query's own handler: table handlers run in the order they were added. */
function handlerClock(table: Table, create: () => void): () => number {
  let start = 0
  let end = 0
  table.on('change', () => (start = performance.now()))
  create()
  table.on('change', () => (end = performance.now()))
  return () => end - start
}

interface Figures {
  size: number
  initialMs: number
  intoMs: number
  outMs: number
  editMs: number
  scratchMs: number
  remoteMs: number
  remoteHandlerMs: number
  tinybaseMs: number | undefined
}

function measure(size: number): Figures {
  const table = makeTable(size)
  let live: ReturnType<Table['liveQuery']> | undefined
  let initialMs = 0
  const elapsed = handlerClock(table, () => {
    const start = performance.now()
    live = table.liveQuery(query)
    const { length } = live.rows
    initialMs = performance.now() - start
    expect(length).toBe(Math.min(50, size))
  })
  const diffs: LiveQueryDiff[] = []
  live!.subscribe((diff) => diffs.push(diff))
  const ids = table.rowIds()
  const next = random(7)
  const into: number[] = []
  const out: number[] = []
  const edits: number[] = []
  const rounds = 500
  for (let round = 0; round < rounds; round++) {
    const id = ids[Math.floor(next() * ids.length)]!
    const row = table.getRow(id)!
    if (row.done === true || live!.rows.some((entry) => entry.id === id)) continue
    diffs.length = 0
    const start = performance.now()
    table.updateRow(id, { priority: 1000 })
    edits.push(performance.now() - start)
    into.push(elapsed())
    expect(diffs).toHaveLength(1)
    expect(diffs[0]!.added[0]!.row.id).toBe(id)
    table.updateRow(id, { priority: row.priority })
    out.push(elapsed())
    expect(diffs).toHaveLength(2)
    expect(diffs[1]!.removed[0]!.id).toBe(id)
  }
  const scratch: number[] = []
  for (let run = 0; run < (size >= 1_000_000 ? 3 : 10); run++) {
    const start = performance.now()
    const rows = table.query(query)
    scratch.push(performance.now() - start)
    expect(rows).toEqual(live!.rows)
  }
  const [remoteMs, remoteHandlerMs] = remoteEdits(table, elapsed, diffs)
  live!.dispose()
  return {
    size,
    initialMs,
    intoMs: median(into),
    outMs: median(out),
    editMs: median(edits),
    scratchMs: median(scratch),
    remoteMs,
    remoteHandlerMs,
    tinybaseMs: size <= tinybaseMax && size > 2_000 ? tinybase(size) : undefined,
  }
}

/** 1,000 cell edits made on another replica, arriving as one update. */
function remoteEdits(
  table: Table,
  elapsed: () => number,
  diffs: LiveQueryDiff[],
): [number, number] {
  // The replica loads the state before the table opens it, so it writes nothing of its own.
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(table.doc))
  const other = createTable({ doc })
  const ids = other.rowIds()
  const next = random(11)
  const updates: Uint8Array[] = []
  other.doc.on('update', (update: Uint8Array) => updates.push(update))
  other.transact(() => {
    for (let edit = 0; edit < 1000; edit++) {
      other.updateRow(ids[Math.floor(next() * ids.length)]!, { priority: Math.floor(next() * 120) })
    }
  })
  expect(updates).toHaveLength(1)
  diffs.length = 0
  const start = performance.now()
  Y.applyUpdate(table.doc, updates[0]!, 'remote-peer')
  const total = performance.now() - start
  expect(diffs).toHaveLength(1)
  expect(diffs[0]!.source).toBe('remote')
  other.destroy()
  return [total, elapsed()]
}

/** TinyBase 10: a sorted row ids listener (top 50 by priority), one setCell per change. */
function tinybase(size: number): number {
  const store = createStore()
  const rows = makeRows(size)
  store.transaction(() => {
    rows.forEach((row, index) => store.setRow('t', String(index), row))
  })
  let calls = 0
  store.addSortedRowIdsListener('t', 'priority', true, 0, 50, () => calls++)
  const next = random(7)
  const times: number[] = []
  for (let round = 0; round < (size > 10_000 ? 20 : 100); round++) {
    const id = String(Math.floor(next() * size))
    const priority = store.getCell('t', id, 'priority')!
    let start = performance.now()
    store.setCell('t', id, 'priority', 1000)
    times.push(performance.now() - start)
    start = performance.now()
    store.setCell('t', id, 'priority', priority)
    times.push(performance.now() - start)
  }
  expect(calls).toBeGreaterThan(0)
  return median(times)
}

function report(figures: Figures[]): string {
  const lines = [
    '| rows | initial evaluation | into top 50 (live query) | out of top 50 (live query) | whole updateRow (Yjs + table + live query) | re-run from scratch | ratio scratch / live | TinyBase 10 sorted row ids | 1,000 remote edits, one update (apply / live query) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const f of figures) {
    const live = Math.max(f.intoMs, f.outMs)
    lines.push(
      `| ${f.size.toLocaleString('en-US')} | ${milliseconds(f.initialMs)} ms | ${microseconds(f.intoMs)} µs | ${microseconds(f.outMs)} µs | ${microseconds(f.editMs)} µs | ${milliseconds(f.scratchMs)} ms | ${Math.round(f.scratchMs / live).toLocaleString('en-US')}× | ${f.tinybaseMs === undefined ? 'not run' : `${milliseconds(f.tinybaseMs)} ms`} | ${milliseconds(f.remoteMs)} ms / ${milliseconds(f.remoteHandlerMs)} ms |`,
    )
  }
  const first = figures[0]!
  const last = figures.at(-1)!
  if (last.size > first.size) {
    const growth = (live: (f: Figures) => number): string => (live(last) / live(first)).toFixed(2)
    lines.push(
      '',
      `Growth of the cost of one change from ${first.size.toLocaleString('en-US')} to ${last.size.toLocaleString('en-US')} rows (same run): into the window ${growth((f) => f.intoMs)}×, out of it ${growth((f) => f.outMs)}× (target ≤ 2×).`,
    )
  }
  return lines.join('\n')
}

it('measures live query maintenance against re-running the query', async () => {
  // A first pass on a small table lets the JIT settle, so the first size is not penalised.
  measure(2_000)
  const figures = sizes.map(measure)
  const table = report(figures)
  console.log(`\n${table}\n`)
  const path = new URL('../../docs/benchmarks.md', import.meta.url)
  const docs = readFileSync(path, 'utf8')
  const start = '<!-- live-query-bench:start -->'
  const end = '<!-- live-query-bench:end -->'
  const load = loadavg()[0]!.toFixed(1)
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on 2 cores (load average ${load} at the end of the run), Node ${process.versions.node}; medians of ${500 * 2} changes per size:`
  if (docs.includes(start) && process.env.TESSERA_BENCH_WRITE !== '0') {
    const before = docs.slice(0, docs.indexOf(start) + start.length)
    const after = docs.slice(docs.indexOf(end))
    // Formatted as `npm test` checks it, so a bench run leaves the docs ready to commit.
    const options = await resolveConfig(fileURLToPath(path))
    const text = `${before}\n\n${stamp}\n\n${table}\n\n${after}`
    writeFileSync(path, await format(text, { ...options, parser: 'markdown' }))
  }
})

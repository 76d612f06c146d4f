// The cost of the row layout inside a table's Y.Doc (docs/architecture.md, docs/benchmarks.md):
// the Tessera layout through its API, beside raw Yjs layouts and TinyBase, on one workload in one run.
// With the insert floor among the layouts (TESSERA_BENCH_LAYOUTS=tessera,json,floor), the bulk
// inserts are timed again, alternated round by round (TESSERA_BENCH_INSERT_ROUNDS, 8: more rows);
// TESSERA_BENCH_PROFILE=<dir> writes a CPU profile of each layout's inserts (layout-inserts.ts).
import { createMergeableStore } from 'tinybase'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { alternatedInserts, profileInserts } from './layout-inserts.js'
import { profileDir } from './profile.js'
import { heapUsed, median, report, time } from './report.js'
import { layouts, rowOf, tessera, type Layout } from './layouts.js'
import { measureOpenFloor } from './open-floor.js'

const rowCount = Number(process.env.TESSERA_BENCH_ROWS || 100_000)
/** Timed steps that take the best of several runs (the machine is shared: the minimum is the figure). */
const repeats = Number(process.env.TESSERA_BENCH_REPEATS || 3)
const edits = 1000
const tinybaseRows = Math.min(rowCount, 10_000)

const rowIds = Array.from(
  { length: rowCount },
  (_, index) => `row-${index.toString(36).padStart(6, '0')}`,
)
const format = (value: number, digits = 0) => value.toFixed(digits)
const best = (run: () => number): number =>
  Math.min(...Array.from({ length: repeats }, () => run()))

/** A deterministic generator, so every layout edits the same cells. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

/** The number columns, which the edits write. */
const numberColumns = ['c1', 'c4', 'c7']

/** `count` distinct number cells (row, column), drawn with `seed`. */
function cellsOf(count: number, seed: number): [string, string][] {
  const next = random(seed)
  const seen = new Set<string>()
  const cells: [string, string][] = []
  while (cells.length < count) {
    const id = rowIds[Math.floor(next() * rowCount)]!
    const column = numberColumns[Math.floor(next() * numberColumns.length)]!
    if (seen.has(id + column)) continue
    seen.add(id + column)
    cells.push([id, column])
  }
  return cells
}

/**
 * The Yjs client id of the replicas whose edits are measured in bytes: one fixed id for every
 * layout, so that no layout's figure moves with the length of a random id (a varuint of 1–5
 * bytes in each struct run). 3,000,000,000 takes the 5 bytes most random ids take.
 */
const measuredClient = 3_000_000_000

/** A fresh replica of `encoded`, opened by the layout (`clientID`: its Yjs client id). */
function replicaOf(layout: Layout, encoded: Uint8Array, clientID?: number): Y.Doc {
  const doc = new Y.Doc()
  if (clientID !== undefined) doc.clientID = clientID
  Y.applyUpdate(doc, encoded)
  layout.open(doc)
  return doc
}

/** Bytes per single-cell update, each its own transaction: as sent, and added to the stored state. */
function updateBytes(layout: Layout, encoded: Uint8Array, cells: [string, string][]) {
  const doc = replicaOf(layout, encoded, measuredClient)
  const measureRound = (value: number) => {
    let sent = 0
    const count = (update: Uint8Array) => (sent += update.byteLength)
    doc.on('update', count)
    const before = Y.encodeStateAsUpdate(doc).byteLength
    for (const [id, column] of cells) layout.setCell(doc, id, column, value)
    doc.off('update', count)
    const stored = Y.encodeStateAsUpdate(doc).byteLength - before
    return { sent: sent / cells.length, stored: stored / cells.length }
  }
  const first = measureRound(-1)
  const again = measureRound(-2)
  return { first, again }
}

/**
 * Two replicas edit 1,000 random cells each (one transaction per edit) while apart, then sync:
 * the bytes both send, and the edits to cells only one side wrote that the merge lost.
 */
function mergeTraffic(layout: Layout, encoded: Uint8Array) {
  const a = replicaOf(layout, encoded)
  const b = replicaOf(layout, encoded)
  const aCells = cellsOf(edits, 101)
  const bCells = cellsOf(edits, 202)
  aCells.forEach(([id, column], index) => layout.setCell(a, id, column, 1_000_000 + index))
  bCells.forEach(([id, column], index) => layout.setCell(b, id, column, 2_000_000 + index))
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b))
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a))
  Y.applyUpdate(a, toA)
  Y.applyUpdate(b, toB)
  const bKeys = new Set(bCells.map(([id, column]) => id + column))
  const aKeys = new Set(aCells.map(([id, column]) => id + column))
  let lost = 0
  aCells.forEach(([id, column], index) => {
    if (!bKeys.has(id + column) && layout.getCell(a, id, column) !== 1_000_000 + index) lost++
  })
  bCells.forEach(([id, column], index) => {
    if (!aKeys.has(id + column) && layout.getCell(a, id, column) !== 2_000_000 + index) lost++
  })
  for (const [id, column] of [...aCells, ...bCells])
    expect(layout.getCell(a, id, column)).toEqual(layout.getCell(b, id, column))
  return { bytes: toA.byteLength + toB.byteLength, lost }
}

/** `count` empty cells of the table. */
const blank = (count: number): string[] => Array.from({ length: count }, () => '')

/** Rounds of the alternated inserts (layout-inserts.ts). */
const insertRounds = Number(process.env.TESSERA_BENCH_INSERT_ROUNDS || 8)

/** The rows a layout inserts (Tessera's name their id). */
const inputOf = (layout: Layout): Record<string, unknown>[] =>
  rowIds.map((id, index) => (layout === tessera ? { id, ...rowOf(index) } : rowOf(index)))

function measure(layout: Layout): (string | number)[] {
  const input = inputOf(layout)
  let doc = new Y.Doc()
  // Wall time and process CPU time (user + system, all threads: the garbage collector's too),
  // each the best of the runs: CPU time is what other processes on a shared machine disturb least.
  const insertCpuMs: number[] = []
  const insertMs = best(() => {
    doc = new Y.Doc()
    layout.open(doc)
    const cpu = process.cpuUsage()
    const ms = time(() => layout.insert(doc, rowIds, input))
    const used = process.cpuUsage(cpu)
    insertCpuMs.push((used.user + used.system) / 1000)
    return ms
  })
  // The same insert with a change listener that reads the changed row ids (what a UI or a
  // live query does): Tessera builds its row index and added set lazily, on such a read.
  const watchedInsertMs = best(() => {
    const fresh = new Y.Doc()
    layout.open(fresh)
    const seen = layout.watch(fresh)
    const ms = time(() => layout.insert(fresh, rowIds, input))
    expect(seen().size).toBe(rowCount)
    return ms
  })
  const encoded = Y.encodeStateAsUpdate(doc)
  if (layout.isInsertOnly === true) {
    return [layout.name, format(insertMs), format(Math.min(...insertCpuMs))]
      .concat(format(watchedInsertMs), '', format(encoded.length / 1e6, 1))
      .concat(blank(9))
  }
  // Heap first: garbage of the timed runs below could still be referenced from this frame.
  const before = heapUsed()
  const replica = replicaOf(layout, encoded)
  const heapPerRow = (heapUsed() - before) / rowCount
  expect(layout.size(replica)).toBe(rowCount)
  const openMs = best(() =>
    time(() => {
      replicaOf(layout, encoded)
    }),
  )

  const updates = cellsOf(edits, 7).map(([id, column], index) =>
    time(() => layout.setCell(doc, id, column, index)),
  )
  const bytes = updateBytes(layout, encoded, cellsOf(edits, 13))
  const merge = mergeTraffic(layout, encoded)

  // 1,000 cell edits made elsewhere arrive as one update and become row changes.
  const seen = layout.watch(replica)
  const editor = replicaOf(layout, encoded)
  const vector = Y.encodeStateVector(editor)
  editor.transact(() => {
    for (let index = 0; index < edits; index++)
      layout.setCell(editor, rowIds[(index * 13) % rowCount]!, 'c4', -index)
  })
  const remote = Y.encodeStateAsUpdate(editor, vector)
  const remoteMs = time(() => Y.applyUpdate(replica, remote))
  expect(seen().size).toBe(edits)

  const deleteManyMs = time(() => layout.deleteRows(doc, rowIds.slice(0, rowCount / 10)))
  const deletes = rowIds
    .slice(rowCount / 10, rowCount / 10 + 200)
    .map((id) => time(() => layout.deleteRows(doc, [id])))
  return [
    layout.name,
    format(insertMs),
    format(Math.min(...insertCpuMs)),
    format(watchedInsertMs),
    format(openMs),
    format(encoded.length / 1e6, 1),
    format(heapPerRow),
    format(median(updates) * 1000, 1),
    `${format(bytes.first.sent, 1)} / ${format(bytes.first.stored, 1)}`,
    `${format(bytes.again.sent, 1)} / ${format(bytes.again.stored, 1)}`,
    format(merge.bytes / 1000, 1),
    merge.lost,
    format(remoteMs, 1),
    format(deleteManyMs),
    format(median(deletes), 3),
  ]
}

function measureTinybase(): (string | number)[] {
  const ids = rowIds.slice(0, tinybaseRows)
  const input = ids.map((_, index) => rowOf(index))
  const store = createMergeableStore('bench')
  const insertMs = time(() =>
    store.transaction(() =>
      ids.forEach((id, index) => store.setRow('t', id, input[index] as never)),
    ),
  )
  const content = store.getMergeableContent()
  const size = JSON.stringify(content).length
  const loadMs = time(() => createMergeableStore('replica').setMergeableContent(content))
  const updates = Array.from({ length: edits }, (_, index) =>
    time(() => store.setCell('t', ids[(index * 7919) % tinybaseRows]!, 'c1', index)),
  )
  const deleteManyMs = time(() =>
    store.transaction(() => ids.slice(0, tinybaseRows / 10).forEach((id) => store.delRow('t', id))),
  )
  return [
    `TinyBase 10 MergeableStore (${tinybaseRows.toLocaleString('en')} rows)`,
    format(insertMs),
    '',
    '',
    format(loadMs),
    format(size / 1e6, 1),
    '',
    format(median(updates) * 1000, 1),
    '',
    '',
    '',
    '',
    '',
    format(deleteManyMs),
    '',
  ]
}

/**
 * Tessera's figure over a peer's, for the columns where a ratio is a target (issue 16); with a
 * layout measured for its inserts only, its insert columns alone.
 */
function ratios(
  rows: (string | number)[][],
  peer: Layout,
  of: Layout = tessera,
): (string | number)[] {
  const ours = rows.find((row) => row[0] === of.name)!
  const theirs = rows.find((row) => row[0] === peer.name)!
  const ratio = (index: number, part = 0) => {
    const value = (row: (string | number)[]) => Number(String(row[index]).split(' / ')[part])
    return `${(value(ours) / value(theirs)).toFixed(2)}×`
  }
  const title = `${of === tessera ? 'Tessera' : of.name} ÷ ${peer.name}`
  if (of.isInsertOnly === true || peer.isInsertOnly === true)
    return [title, ratio(1), ratio(2), ratio(3), ...blank(11)]
  return [
    title,
    ratio(1),
    ratio(2),
    ratio(3),
    ratio(4),
    ratio(5),
    ratio(6),
    ratio(7),
    `${ratio(8, 0)} / ${ratio(8, 1)}`,
    `${ratio(9, 0)} / ${ratio(9, 1)}`,
    ratio(10),
    '',
    ratio(12),
    ratio(13),
    ratio(14),
  ]
}

it(`layouts: ${rowCount.toLocaleString('en')} rows × 10 columns`, async () => {
  const only = process.env.TESSERA_BENCH_LAYOUTS?.split(',')
  const chosen = layouts.filter((layout) => only === undefined || only.includes(layout.key))
  const rows = chosen.map(measure)
  if (only === undefined) rows.push(measureTinybase())
  const peers = chosen.filter((layout) => layout !== tessera && layout.isPeer)
  for (const peer of peers) rows.push(ratios(rows, peer))
  // The insert floor: how far Tessera is from it, and how far it is from each peer.
  for (const floor of chosen.filter((layout) => layout.isInsertOnly === true)) {
    if (chosen.includes(tessera)) rows.push(ratios(rows, floor))
    for (const peer of peers) rows.push(ratios(rows, peer, floor))
  }
  // With the insert floor: the inserts again, alternated round by round (issue 16 item 4).
  if (chosen.some((layout) => layout.isInsertOnly === true)) {
    for (const row of alternatedInserts(chosen, rowIds, inputOf, insertRounds)) {
      const [name, ...figures] = row
      rows.push([`${name}, alternated (median of ${insertRounds})`, ...figures, ...blank(12)])
    }
  }
  report(
    'layout',
    `Row layout, ${rowCount.toLocaleString('en')} rows × 10 mixed columns (best of ${repeats} for insert and open)`,
    [
      'layout',
      'bulk insert, one transaction (ms)',
      'same, process CPU time (ms)',
      'same, with a change listener reading the changed row ids (ms)',
      'decode + open a replica (ms)',
      'encoded size (MB)',
      'heap per row (bytes)',
      'one cell update, median (µs)',
      'bytes per single-cell update, first edit of a cell: sent / stored',
      'same, cell edited before: sent / stored',
      `merge traffic, ${edits.toLocaleString('en')} concurrent edits per side (KB)`,
      'edits lost in that merge',
      `apply ${edits.toLocaleString('en')} remote cell edits → row changes (ms)`,
      `delete ${(rowCount / 10).toLocaleString('en')} rows, one transaction (ms)`,
      'one row delete, median (ms)',
    ],
    rows,
  )
  if (profileDir !== undefined) {
    for (const layout of chosen) {
      const lines = await profileInserts(layout, rowIds, inputOf(layout), repeats)
      console.log(lines.join('\n'))
    }
  }
})

// Decode + open a replica against its floor (issue 16 item 4): the JSON rows peer, Yjs alone
// decoding Tessera's stored state, that plus the least row index, and Tessera, taking turns.
it(`decode + open a replica, with its floor: ${rowCount.toLocaleString('en')} rows`, () => {
  const only = process.env.TESSERA_BENCH_LAYOUTS?.split(',')
  if (only !== undefined && !(only.includes('tessera') && only.includes('json'))) return
  const rounds = Math.max(repeats, 5)
  report(
    'layout-open',
    `Decode + open a replica and its floor, ${rowCount.toLocaleString('en')} rows × 10 mixed columns (best of ${rounds} turns, each after a full collection)`,
    [
      'way',
      'decode: Y.applyUpdate (ms)',
      'open (ms)',
      'decode + open (ms)',
      'same, process CPU time (ms)',
      '÷ raw JSON rows: wall / CPU',
    ],
    measureOpenFloor(rowCount, rounds),
    'layout',
  )
})

// What a table that churns stores (issue 16, item 6; docs/benchmarks.md): a table whose every
// cell is rewritten 10 times, beside the same table written once, for Tessera and a raw Y.Map
// per row; where Tessera's bytes go; rows deleted while another replica edits them, with and
// without reclaiming (S129). Sizes are given in Yjs's update formats v1 and v2 and as the
// server's stores keep a snapshot: before S205 (v1 + Brotli 2) and now (v2 + Brotli, S205), with
// the event-loop time of compacting and loading a large table in each, alternated in one run.
import { brotliCompressSync, constants } from 'node:zlib'
import { it } from 'vitest'
import * as Y from 'yjs'
import { applySnapshot, createTable } from '../../src/index.js'
import { encodeSnapshot as snapshotOf } from '../../src/internal.js'
import { tableMaps } from '../../src/layout.js'
import { reclaimDeadOverrides } from '../../src/reclaim.js'
import { formatThree, reclaimAll, reclaimTimes } from './format-three.js'
import { formatThreeCells } from '../helpers/format-three-read.js'
import { layouts, rowOf, columnIds, tessera, type Layout } from './layouts.js'
import { median, report, time } from './report.js'
import { decodeSnapshot, encodeSnapshot } from '../../server/snapshot-encoding.js'

const rowCount = Number(process.env.TESSERA_BENCH_CHURN_ROWS || 10_000)
/** The table whose snapshot encoding is timed. */
const largeRowCount = Number(process.env.TESSERA_BENCH_ROWS || 100_000)
const rewrites = 10
const nested = layouts.find((layout) => layout.key === 'nested')!
const json = layouts.find((layout) => layout.key === 'json')!
const ids = Array.from({ length: rowCount }, (_, index) => `row-${index.toString(36)}`)
const qualities = [1, 2, 3, 4, 5, 6]

const brotli = (bytes: Uint8Array, quality: number): Uint8Array =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
    },
  })

/** The snapshot the server's stores kept before S205: format v1, Brotli quality 2 (S185). */
const storedBefore = (doc: Y.Doc): Uint8Array => encodeSnapshot(Y.encodeStateAsUpdate(doc))
/** The snapshot the server's stores keep now (S205): format v2 from the doc, Brotli. */
const storedNow = (doc: Y.Doc): Uint8Array => encodeSnapshot(snapshotOf(doc))

type Sizes = [number, number, number, number]
/** Sizes of a state: format v1, v2, as stored before S205 and as stored now. */
const sizesOf = (doc: Y.Doc): Sizes => [
  Y.encodeStateAsUpdate(doc).byteLength,
  Y.encodeStateAsUpdateV2(doc).byteLength,
  storedBefore(doc).byteLength,
  storedNow(doc).byteLength,
]

/** The states of one layout: written once, every cell rewritten once, then `rewrites` times. */
interface Churned {
  once: Uint8Array
  rewrittenOnce: Uint8Array
  rewritten: Uint8Array
  sizes: [Sizes, Sizes]
}

/** The v2 encoding of a layout's table written once and at each stage of its rewriting. */
function rewriteAll(layout: Layout): Churned {
  const doc = new Y.Doc()
  layout.open(doc)
  const rows = ids.map((id, index) => (layout === tessera ? { id, ...rowOf(index) } : rowOf(index)))
  layout.insert(doc, ids, rows)
  const once = Y.encodeStateAsUpdateV2(doc)
  const onceSizes = sizesOf(doc)
  let rewrittenOnce = once
  for (let round = 1; round <= rewrites; round++) {
    ids.forEach((id, index) => {
      const values = rowOf(index + round * rowCount)
      // One transaction per row: a user editing a row, cell by cell, is no cheaper.
      doc.transact(() => {
        for (const column of columnIds) layout.setCell(doc, id, column, values[column])
      })
    })
    if (round === 1) rewrittenOnce = Y.encodeStateAsUpdateV2(doc)
  }
  // Format 3 (Tessera's rows since S282, and the raw helper's) as the server leaves it after
  // its compactions (S129, S291), read back in full.
  if (layout === formatThree || layout === tessera) checkReclaimed(doc)
  return {
    once,
    rewrittenOnce,
    rewritten: Y.encodeStateAsUpdateV2(doc),
    sizes: [onceSizes, sizesOf(doc)],
  }
}

/** Reclaims a rewritten format 3 table; throws unless a copy of it reads the last values. */
function checkReclaimed(doc: Y.Doc): void {
  reclaimAll(doc)
  const copy = new Y.Doc()
  Y.applyUpdateV2(copy, Y.encodeStateAsUpdateV2(doc))
  const read = formatThreeCells(copy)
  ids.forEach((id, index) => {
    const last = rowOf(index + rewrites * rowCount)
    if (JSON.stringify(read[id]) !== JSON.stringify(columnIds.map((column) => last[column])))
      throw new Error(`format 3: row ${id} reads ${JSON.stringify(read[id])} after the reclaim`)
  })
}

/**
 * Rounds of 1,000 rows inserted, then deleted on one replica while another rewrites every
 * cell of them: the stored bytes each round adds, without and with reclaiming dead overrides.
 */
function raceRounds(isReclaimed: boolean): number {
  const columns = columnIds.map((name) => ({ name, type: 'string' as const }))
  const a = createTable({ columns })
  const b = createTable({ doc: new Y.Doc() })
  const sync = () => {
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)))
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)))
  }
  sync()
  const start = Y.encodeStateAsUpdate(a.doc).byteLength
  const rounds = 10
  for (let round = 0; round < rounds; round++) {
    const text = Object.fromEntries(columnIds.map((id) => [id, `value of round ${round}`]))
    const fresh = a.insertRows(Array.from({ length: 1000 }, () => text))
    sync()
    b.transact(() => {
      for (const id of fresh) b.updateRow(id, { ...text, c0: `edited in round ${round}` })
    })
    a.deleteRows(fresh)
    sync()
    if (isReclaimed) reclaimDeadOverrides(tableMaps(a.doc), 'reclaim')
    sync()
  }
  return (Y.encodeStateAsUpdate(a.doc).byteLength - start) / rounds
}

/**
 * Where the stored bytes of Tessera's rewritten table go: its packed rows (the table written
 * once, whose first values stay alive), the live overrides (every cell rewritten once), the
 * tombstones of the later rewrites, and what the override keys alone cost.
 */
function breakdown(churned: Churned, quality: number): (string | number)[][] {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`
  const once = brotli(churned.once, quality).byteLength
  const rewrittenOnce = brotli(churned.rewrittenOnce, quality).byteLength
  const rewritten = brotli(churned.rewritten, quality).byteLength
  const doc = new Y.Doc()
  Y.applyUpdateV2(doc, churned.rewritten)
  const keys = new Y.Doc()
  const overrides = keys.getMap('o')
  keys.transact(() => {
    for (const key of doc.getMap('o').keys()) overrides.set(key, null)
  })
  const keysAlone = brotli(Y.encodeStateAsUpdateV2(keys), quality).byteLength
  const share = (bytes: number) => `${((bytes / rewritten) * 100).toFixed(0)} %`
  return [
    ['packed rows: the table written once (its first values stay alive)', kb(once), share(once)],
    [
      `${doc.getMap('o').size.toLocaleString('en')} live overrides (every cell rewritten once)`,
      kb(rewrittenOnce - once),
      share(rewrittenOnce - once),
    ],
    [
      `  of which their keys alone (a map of the same keys to null)`,
      kb(keysAlone),
      share(keysAlone),
    ],
    [
      `tombstones of rewrites 2 to ${rewrites}`,
      kb(rewritten - rewrittenOnce),
      share(rewritten - rewrittenOnce),
    ],
    ['the rewritten table as stored', kb(rewritten), '100 %'],
  ]
}

/** Brotli qualities on the large snapshot (size, compaction's compress time) and on the churn. */
function qualitySweep(large: Uint8Array, churned: Churned, peer: Churned): (string | number)[][] {
  return qualities.map((quality) => {
    const ms = median([0, 1, 2].map(() => time(() => brotli(large, quality))))
    const ratio = (of: Churned) =>
      (brotli(of.rewritten, quality).byteLength / brotli(of.once, quality).byteLength).toFixed(2)
    return [
      `Brotli ${quality}`,
      (brotli(large, quality).byteLength / 1024).toFixed(0),
      ms.toFixed(0),
      `${ratio(churned)}× (raw Y.Map ${ratio(peer)}×)`,
    ]
  })
}

/** The large table's snapshot compacted and loaded before S205 and now, alternated. */
async function encodingCosts(doc: Y.Doc): Promise<(string | number)[][]> {
  const samples = { before: [[], [], [], []] as number[][], now: [[], [], [], []] as number[][] }
  const sizes = { before: 0, now: 0 }
  for (let run = 0; run < 5; run++) {
    for (const key of ['before', 'now'] as const) {
      let stored: Uint8Array = new Uint8Array()
      const compactMs = time(() => (stored = key === 'now' ? storedNow(doc) : storedBefore(doc)))
      sizes[key] = stored.byteLength
      const started = performance.now()
      const read = await decodeSnapshot(stored, 'bench')
      const readMs = performance.now() - started
      const loaded = new Y.Doc()
      const applyMs = time(() => applySnapshot(loaded, read))
      // A room loaded from a v2 snapshot encodes its joiners' (v1) state on the first join.
      const joinMs = key === 'now' ? time(() => Y.encodeStateAsUpdate(loaded)) : 0
      loaded.destroy()
      for (const [index, value] of [compactMs, readMs, applyMs, joinMs].entries())
        samples[key][index]!.push(value)
    }
  }
  const ms = (key: 'before' | 'now', index: number) => median(samples[key][index]!).toFixed(0)
  const line = (key: 'before' | 'now', name: string) => [
    name,
    (sizes[key] / 1024).toFixed(0),
    ms(key, 0),
    ms(key, 1),
    ms(key, 2),
    key === 'now' ? ms(key, 3) : '0 (the snapshot is shared)',
  ]
  return [
    line('before', 'before S205: v1 + Brotli 2'),
    line('now', 'now (S205): v2 from the doc + Brotli 2'),
  ]
}

/** A Tessera table of `largeRowCount` rows written once. */
function largeTable(): Y.Doc {
  const large = Array.from({ length: largeRowCount }, (_, index) => `row-${index.toString(36)}`)
  const doc = new Y.Doc()
  tessera.open(doc)
  tessera.insert(
    doc,
    large,
    large.map((id, index) => ({ id, ...rowOf(index) })),
  )
  return doc
}

it(`churn: ${rowCount.toLocaleString('en')} rows × 10 columns, every cell rewritten ${rewrites} times`, async () => {
  const rows: (string | number)[][] = []
  const figures = new Map<Layout, Churned>()
  const kb = (bytes: number) => (bytes / 1024).toFixed(0)
  for (const layout of [tessera, formatThree, nested, json]) {
    const churned = rewriteAll(layout)
    figures.set(layout, churned)
    const [once, rewritten] = churned.sizes
    const column = (index: number) =>
      `${kb(once[index]!)} → ${kb(rewritten[index]!)}: ${(rewritten[index]! / once[index]!).toFixed(2)}×`
    rows.push([layout.name, column(0), column(1), column(2), column(3)])
  }
  const ours = figures.get(tessera)!.sizes
  const theirs = figures.get(nested)!.sizes
  const ratio = (index: number, which: number) =>
    `${(ours[which]![index]! / theirs[which]![index]!).toFixed(2)}×`
  rows.push([
    `Tessera ÷ ${nested.name}, written once; rewritten`,
    ...[0, 1, 2, 3].map((index) => `${ratio(index, 0)}; ${ratio(index, 1)}`),
  ])
  const without = raceRounds(false)
  const withReclaim = raceRounds(true)
  rows.push([
    'Tessera, 1,000 rows deleted while another replica edits them: KB added per round (v1), without → with reclaiming (S129)',
    `${(without / 1024).toFixed(1)} → ${(withReclaim / 1024).toFixed(1)}: ${(withReclaim / without).toFixed(2)}×`,
    '',
    '',
    '',
  ])
  report(
    'churn',
    `Stored bytes of a churning table, ${rowCount.toLocaleString('en')} rows × 10 columns, written once → every cell rewritten ${rewrites} times`,
    [
      'table',
      'format v1 (KB)',
      'format v2 (KB)',
      'stored before S205: v1 + Brotli 2 (KB)',
      'stored now (S205): v2 + Brotli 2 (KB)',
    ],
    rows,
  )
  report(
    'churn-breakdown',
    `Where Tessera's rewritten table's stored bytes go (v2 + Brotli 2)`,
    ['part', 'stored', 'share'],
    breakdown(figures.get(tessera)!, 2),
  )
  const doc = largeTable()
  report(
    'snapshot-quality',
    `Brotli quality on a ${largeRowCount.toLocaleString('en')}-row table's v2 snapshot (${kb(Y.encodeStateAsUpdateV2(doc).byteLength)} KB; v1 ${kb(Y.encodeStateAsUpdate(doc).byteLength)} KB), and on the churned tables`,
    [
      'quality',
      'stored (KB)',
      'compress, on the event loop (ms, median of 3)',
      'churned ÷ once, stored',
    ],
    qualitySweep(Y.encodeStateAsUpdateV2(doc), figures.get(tessera)!, figures.get(nested)!),
  )
  report(
    'snapshot-encoding',
    `A ${largeRowCount.toLocaleString('en')}-row table's snapshot: compaction and load, before S205 and now, alternated (median of 5)`,
    [
      'snapshot',
      'stored (KB)',
      'compaction: encode + compress, event loop (ms)',
      'load: decompress, thread pool (ms)',
      'load: apply, event loop (ms)',
      "first full join after a load: the joiners' v1 encoding (ms)",
    ],
    await encodingCosts(doc),
  )
})

it(`format 3's reclaim of first values (S291, S292): ${largeRowCount.toLocaleString('en')} rows × 10 columns, each row rewritten once`, () => {
  report(
    'churn-reclaim',
    `Format 3's reclaim on a ${largeRowCount.toLocaleString('en')}-row table, piece by piece as after compactions (S292)`,
    [
      'rewritten',
      'values deleted',
      'pieces',
      'longest piece (ms)',
      'median piece (ms)',
      'all pieces (ms)',
    ],
    reclaimTimes(largeRowCount, rowOf),
  )
})

// What a table that churns stores (issue 16, item 6; docs/benchmarks.md): a table whose every
// cell is rewritten 10 times, beside the same table written once, for Tessera and a raw Y.Map
// per row; and rows deleted while another replica edits them, with and without reclaiming (S129).
// Sizes are given as Yjs encodes a state (format v1) and as the server's stores keep it
// (server/snapshot-encoding.ts: format v1, Brotli), with that encoding's time on a large table,
// and format v2 + Brotli, the denser encoding not chosen (its conversions cost seconds).
import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib'
import { it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { tableMaps } from '../../src/layout.js'
import { reclaimDeadOverrides } from '../../src/reclaim.js'
import { layouts, rowOf, columnIds, tessera, type Layout } from './layouts.js'
import { report, time } from './report.js'
import { decodeSnapshot, encodeSnapshot } from '../../server/snapshot-encoding.js'

const rowCount = Number(process.env.TESSERA_BENCH_CHURN_ROWS || 10_000)
/** The table whose snapshot encoding is timed. */
const largeRowCount = Number(process.env.TESSERA_BENCH_ROWS || 100_000)
const rewrites = 10
const nested = layouts.find((layout) => layout.key === 'nested')!
const json = layouts.find((layout) => layout.key === 'json')!
const ids = Array.from({ length: rowCount }, (_, index) => `row-${index.toString(36)}`)

/** The size of the state as Yjs encodes it (format v1: what the stores kept before S185). */
const sizeInV1 = (doc: Y.Doc): number => Y.encodeStateAsUpdate(doc).byteLength
/** The size of the state as the server's stores keep it (S185). */
const storedSize = (doc: Y.Doc): number => encodeSnapshot(Y.encodeStateAsUpdate(doc)).byteLength
/** The same state in Yjs's update format v2, uncompressed. */
const sizeInV2 = (doc: Y.Doc): number => Y.encodeStateAsUpdateV2(doc).byteLength

/** The state in format v2, Brotli-compressed like a stored snapshot (the encoding not chosen). */
const sizeInV2Brotli = (doc: Y.Doc): number =>
  brotliCompressSync(Y.encodeStateAsUpdateV2(doc), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 4 },
  }).byteLength

type Sizes = [number, number, number, number]
/** Sizes of a state: format v1, v2, as stored, and v2 + Brotli. */
const sizesOf = (doc: Y.Doc): Sizes => [
  sizeInV1(doc),
  sizeInV2(doc),
  storedSize(doc),
  sizeInV2Brotli(doc),
]

/** Sizes of the table written once, then after every cell is rewritten `rewrites` times. */
function rewriteAll(layout: Layout): Sizes[] {
  const doc = new Y.Doc()
  layout.open(doc)
  const rows = ids.map((id, index) => (layout === tessera ? { id, ...rowOf(index) } : rowOf(index)))
  layout.insert(doc, ids, rows)
  const once = sizesOf(doc)
  for (let round = 1; round <= rewrites; round++) {
    ids.forEach((id, index) => {
      const values = rowOf(index + round * rowCount)
      // One transaction per row: a user editing a row, cell by cell, is no cheaper.
      doc.transact(() => {
        for (const column of columnIds) layout.setCell(doc, id, column, values[column])
      })
    })
  }
  return [once, sizesOf(doc)]
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
  const start = sizeInV1(a.doc)
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
  return (sizeInV1(a.doc) - start) / rounds
}

/** Compaction and load of a large table's snapshot: Yjs's encoding, and the stores' own. */
async function encodingCosts(): Promise<(string | number)[][]> {
  const large = Array.from({ length: largeRowCount }, (_, index) => `row-${index.toString(36)}`)
  const doc = new Y.Doc()
  tessera.open(doc)
  tessera.insert(
    doc,
    large,
    large.map((id, index) => ({ id, ...rowOf(index) })),
  )
  let v1: Uint8Array = new Uint8Array()
  const encodeMs = time(() => (v1 = Y.encodeStateAsUpdate(doc)))
  let started = performance.now()
  const stored = encodeSnapshot(v1)
  const storeMs = performance.now() - started
  started = performance.now()
  const read = await decodeSnapshot(stored, 'bench')
  const readMs = performance.now() - started
  const applyMs = time(() => Y.applyUpdate(new Y.Doc(), read))
  const deflated = time(() => deflateRawSync(v1, { level: 1 }).byteLength)
  let brotliV2 = new Uint8Array()
  const brotliV2Ms = time(() => {
    brotliV2 = brotliCompressSync(Y.convertUpdateFormatV1ToV2(v1), {
      params: { [constants.BROTLI_PARAM_QUALITY]: 4 },
    })
  })
  const kb = (bytes: number) => (bytes / 1024).toFixed(0)
  const ms = (value: number) => value.toFixed(0)
  return [
    [
      `${largeRowCount.toLocaleString('en')}-row table: format v1 (KB; encode, apply ms)`,
      kb(v1.byteLength),
      `${ms(encodeMs)}; ${ms(applyMs)}`,
    ],
    [
      "stored (S185): v1 + Brotli 2 (KB; compaction's extra, load's extra ms)",
      kb(stored.byteLength),
      `${ms(storeMs)}; ${ms(readMs)}`,
    ],
    [
      'for comparison: v2 + Brotli 4 / v1 + deflate 1 (KB; their ms)',
      `${kb(brotliV2.byteLength)} / ${kb(deflateRawSync(v1, { level: 1 }).byteLength)}`,
      `${ms(brotliV2Ms)} / ${ms(deflated)}`,
    ],
  ]
}

it(`churn: ${rowCount.toLocaleString('en')} rows × 10 columns, every cell rewritten ${rewrites} times`, async () => {
  const rows: (string | number)[][] = []
  const figures = new Map<Layout, Sizes[]>()
  const kb = (bytes: number) => (bytes / 1024).toFixed(0)
  for (const layout of [tessera, nested, json]) {
    const [once, rewritten] = rewriteAll(layout)
    figures.set(layout, [once!, rewritten!])
    const column = (index: number) =>
      `${kb(once![index]!)} → ${kb(rewritten![index]!)}: ${(rewritten![index]! / once![index]!).toFixed(2)}×`
    rows.push([layout.name, column(0), column(1), column(2), column(3)])
  }
  const ours = figures.get(tessera)!
  const theirs = figures.get(nested)!
  const ratio = (index: number, which: number) =>
    `${(ours[which]![index]! / theirs[which]![index]!).toFixed(2)}×`
  rows.push([
    `Tessera ÷ ${nested.name}, written once; rewritten`,
    `${ratio(0, 0)}; ${ratio(0, 1)}`,
    `${ratio(1, 0)}; ${ratio(1, 1)}`,
    `${ratio(2, 0)}; ${ratio(2, 1)}`,
    `${ratio(3, 0)}; ${ratio(3, 1)}`,
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
      'as stored (S185: v1 + Brotli 2) (KB)',
      'v2 + Brotli (KB)',
    ],
    rows,
  )
  report(
    'snapshot-encoding',
    'What the stored encoding costs on a large table',
    ['snapshot', 'size', 'time (ms)'],
    await encodingCosts(),
  )
})

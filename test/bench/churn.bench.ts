// What a table that churns stores (issue 16, item 6; docs/benchmarks.md): a table whose every
// cell is rewritten 10 times, beside the same table written once, for Tessera and a raw Y.Map
// per row; and rows deleted while another replica edits them, with and without reclaiming (S129).
import { it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { tableMaps } from '../../src/layout.js'
import { reclaimDeadOverrides } from '../../src/reclaim.js'
import { layouts, rowOf, columnIds, tessera, type Layout } from './layouts.js'
import { report } from './report.js'

const rowCount = Number(process.env.TESSERA_BENCH_CHURN_ROWS || 10_000)
const rewrites = 10
const nested = layouts.find((layout) => layout.key === 'nested')!
const json = layouts.find((layout) => layout.key === 'json')!
const ids = Array.from({ length: rowCount }, (_, index) => `row-${index.toString(36)}`)

/** The stored size (what a compaction writes: the doc encoded, Yjs GC on). */
const storedSize = (doc: Y.Doc): number => Y.encodeStateAsUpdate(doc).byteLength
/** The same state in Yjs's update format v2 (not what the server stores: docs/benchmarks.md). */
const sizeInV2 = (doc: Y.Doc): number => Y.encodeStateAsUpdateV2(doc).byteLength

/**
 * Bytes of the table written once, then after every cell is rewritten `rewrites` times; then
 * both in update format v2.
 */
function rewriteAll(layout: Layout): [number, number, number, number] {
  const doc = new Y.Doc()
  layout.open(doc)
  const rows = ids.map((id, index) => (layout === tessera ? { id, ...rowOf(index) } : rowOf(index)))
  layout.insert(doc, ids, rows)
  const once = storedSize(doc)
  const onceInV2 = sizeInV2(doc)
  for (let round = 1; round <= rewrites; round++) {
    ids.forEach((id, index) => {
      const values = rowOf(index + round * rowCount)
      // One transaction per row: a user editing a row, cell by cell, is no cheaper.
      doc.transact(() => {
        for (const column of columnIds) layout.setCell(doc, id, column, values[column])
      })
    })
  }
  return [once, storedSize(doc), onceInV2, sizeInV2(doc)]
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
  const start = storedSize(a.doc)
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
  return (storedSize(a.doc) - start) / rounds
}

it(`churn: ${rowCount.toLocaleString('en')} rows × 10 columns, every cell rewritten ${rewrites} times`, () => {
  const rows: (string | number)[][] = []
  const figures = new Map<Layout, [number, number]>()
  for (const layout of [tessera, nested, json]) {
    const [once, rewritten, onceInV2, rewrittenInV2] = rewriteAll(layout)
    figures.set(layout, [once, rewritten])
    rows.push([
      layout.name,
      (once / 1024).toFixed(0),
      (rewritten / 1024).toFixed(0),
      `${(rewritten / once).toFixed(2)}×`,
      `${(onceInV2 / 1024).toFixed(0)} → ${(rewrittenInV2 / 1024).toFixed(0)}: ${(rewrittenInV2 / onceInV2).toFixed(2)}×`,
    ])
  }
  const [ours] = figures.get(tessera)!
  const [theirs] = figures.get(nested)!
  rows.push([
    `Tessera ÷ ${nested.name}, written once`,
    `${(ours / theirs).toFixed(2)}×`,
    '',
    '',
    '',
  ])
  const without = raceRounds(false)
  const withReclaim = raceRounds(true)
  rows.push([
    'Tessera, 1,000 rows deleted while another replica edits them: bytes added per round, without / with reclaiming (S129)',
    (without / 1024).toFixed(1),
    (withReclaim / 1024).toFixed(1),
    `${(withReclaim / without).toFixed(2)}×`,
    '',
  ])
  report(
    'churn',
    `Stored bytes of a churning table, ${rowCount.toLocaleString('en')} rows × 10 columns`,
    [
      'table',
      'written once (KB)',
      `every cell rewritten ${rewrites} times (KB)`,
      'ratio',
      'same in update format v2 (KB): once → rewritten',
    ],
    rows,
  )
})

// A sketch of the row layout that issue 16 item 6 needs (docs/benchmarks.md, "Item 6: the next
// layout, measured as a sketch"): format 2's packed rows keep every first value alive after an
// override replaces it, so a churned table stores its first values for ever. The sketch keeps a
// row's first values in a shared Y.Array of values (one Yjs item per batch of rows) that the row
// names by the Yjs id of its first value; an edit writes an override as today, and compaction
// deletes the first values that an override replaces (Yjs then drops them). Raw Yjs only, beside
// the same sketch of format 2 and a Y.Map per row, in one run: nothing here is Tessera's code.
import { brotliCompressSync, constants } from 'node:zlib'
import { it } from 'vitest'
import * as Y from 'yjs'
import { columnIds, rowOf } from './layouts.js'
import { report, time } from './report.js'

const rowCount = Number(process.env.TESSERA_BENCH_CHURN_ROWS || 10_000)
const rewrites = 10
/** Rows whose first values go into one item of the values array. */
const batchRows = 100
const ids = Array.from({ length: rowCount }, (_, index) => `row-${index.toString(36)}`)
const positionOf = (index: number) => `a${index.toString(36).padStart(4, '0')}`

/** As the server's stores keep a snapshot (S205): update format v2, Brotli quality 2. */
const storedBytes = (doc: Y.Doc): number =>
  brotliCompressSync(Y.encodeStateAsUpdateV2(doc), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 2 },
  }).byteLength

interface Sketch {
  name: string
  insert(doc: Y.Doc): void
  setCell(doc: Y.Doc, index: number, column: number, value: unknown): void
  /** What compaction may delete without changing any value a replica reads. */
  reclaim?(doc: Y.Doc): void
  /** Calls `visit` with every cell value the table shows. */
  readAll(doc: Y.Doc, visit: (value: unknown) => void): void
}

type Row = [shape: number, life: string, position: string, ...rest: unknown[]]
const rowsOf = (doc: Y.Doc) => doc.getMap<Row>('rows')
const overridesOf = (doc: Y.Doc) => doc.getMap<unknown>('o')
const overrideKey = (life: string, column: number) => `${life}\u0000${column}`

/** Format 2 today: `[shape, life, position, ...cells]` per row, overrides in `o`. */
const packed: Sketch = {
  name: 'format 2 (packed rows)',
  insert(doc) {
    const rows = rowsOf(doc)
    doc.transact(() =>
      ids.forEach((id, index) => {
        const cells = Object.values(rowOf(index))
        rows.set(id, [0, `${doc.clientID}:${index}`, positionOf(index), ...cells])
      }),
    )
  },
  setCell(doc, index, column, value) {
    overridesOf(doc).set(overrideKey(rowsOf(doc).get(ids[index]!)![1], column), value)
  },
  readAll(doc, visit) {
    const overrides = overridesOf(doc)
    for (const row of rowsOf(doc).values())
      columnIds.forEach((_, column) => {
        const key = overrideKey(row[1], column)
        visit(overrides.has(key) ? overrides.get(key) : row[3 + column])
      })
  },
}

/** The sketch: `[shape, life, position, client, clock]` per row, first values in `v`. */
const valuesArray: Sketch = {
  name: 'sketch: first values in a Y.Array',
  insert(doc) {
    const rows = rowsOf(doc)
    const values = doc.getArray<unknown>('v')
    doc.transact(() => {
      for (let first = 0; first < rowCount; first += batchRows) {
        const clock = Y.getState(doc.store, doc.clientID)
        const batch = ids.slice(first, first + batchRows)
        values.push(batch.flatMap((_, offset) => Object.values(rowOf(first + offset))))
        batch.forEach((id, offset) => {
          const start = clock + offset * columnIds.length
          rows.set(id, [
            0,
            `${doc.clientID}:${start}`,
            positionOf(first + offset),
            doc.clientID,
            start,
          ])
        })
      }
    })
  },
  setCell: (doc, index, column, value) => packed.setCell(doc, index, column, value),
  reclaim(doc) {
    const clocks = new Map<number, number[]>()
    const rows = rowsOf(doc)
    for (const row of rows.values())
      columnIds.forEach((_, column) => {
        if (!overridesOf(doc).has(overrideKey(row[1], column))) return
        const client = row[3] as number
        const list = clocks.get(client) ?? []
        clocks.set(client, list)
        list.push((row[4] as number) + column)
      })
    doc.transact((transaction) => {
      for (const [client, list] of clocks) deleteRuns(transaction, client, list)
    })
  },
  readAll(doc, visit) {
    const overrides = overridesOf(doc)
    for (const row of rowsOf(doc).values()) {
      let item = Y.getItem(doc.store, Y.createID(row[3] as number, row[4] as number))
      let offset = (row[4] as number) - item.id.clock
      columnIds.forEach((_, column) => {
        while (offset >= item.length) [offset, item] = [offset - item.length, item.right!]
        const key = overrideKey(row[1], column)
        visit(overrides.has(key) ? overrides.get(key) : item.content.getContent()[offset])
        offset++
      })
    }
  },
}

/** Deletes the values at `clocks` of `client`, one split per run of neighbours, not per value. */
function deleteRuns(transaction: Y.Transaction, client: number, clocks: number[]): void {
  const store = transaction.doc.store
  clocks.sort((a, b) => a - b)
  for (let from = 0; from < clocks.length;) {
    let to = from
    while (to + 1 < clocks.length && clocks[to + 1] === clocks[to]! + 1) to++
    for (let clock = clocks[from]!; clock <= clocks[to]!;) {
      const item = Y.getItemCleanStart(transaction, Y.createID(client, clock))
      const last = Math.min(clocks[to]!, item.id.clock + item.length - 1)
      Y.getItemCleanEnd(transaction, store, Y.createID(client, last))
      if (!item.deleted) item.delete(transaction)
      clock = last + 1
    }
    from = to + 1
  }
}

/** The peer: a Y.Map per row. */
const mapPerRow: Sketch = {
  name: 'raw Yjs, a Y.Map per row',
  insert(doc) {
    const rows = doc.getMap<Y.Map<unknown>>('rows')
    doc.transact(() =>
      ids.forEach((id, index) => {
        const row = rows.set(id, new Y.Map())
        for (const [column, value] of Object.entries(rowOf(index))) row.set(column, value)
      }),
    )
  },
  setCell(doc, index, column, value) {
    doc.getMap<Y.Map<unknown>>('rows').get(ids[index]!)!.set(columnIds[column]!, value)
  },
  readAll(doc, visit) {
    for (const row of doc.getMap<Y.Map<unknown>>('rows').values()) row.forEach(visit)
  },
}

/** One sketch's table written once, every cell rewritten `rewrites` times, then reclaimed. */
function measure(sketch: Sketch): (string | number)[] {
  const doc = new Y.Doc()
  const insertMs = time(() => sketch.insert(doc))
  const once = storedBytes(doc)
  for (let round = 1; round <= rewrites; round++)
    ids.forEach((_, index) => {
      const values = Object.values(rowOf(index + round * rowCount))
      doc.transact(() =>
        values.forEach((value, column) => sketch.setCell(doc, index, column, value)),
      )
    })
  const reclaimMs = time(() => sketch.reclaim?.(doc))
  const rewritten = storedBytes(doc)
  const loaded = new Y.Doc()
  const loadMs = time(() => Y.applyUpdateV2(loaded, Y.encodeStateAsUpdateV2(doc)))
  let cells = 0
  let last: unknown
  const readMs = time(() => sketch.readAll(loaded, (value) => ((last = value), cells++)))
  const expected = Object.values(rowOf(rowCount - 1 + rewrites * rowCount)).at(-1)
  if (cells !== rowCount * columnIds.length || JSON.stringify(last) !== JSON.stringify(expected))
    throw new Error(`${sketch.name} reads ${cells} cells, the last ${JSON.stringify(last)}`)
  const kb = (bytes: number) => (bytes / 1024).toFixed(0)
  return [
    sketch.name,
    kb(once),
    kb(rewritten),
    `${(rewritten / once).toFixed(2)}×`,
    insertMs.toFixed(0),
    sketch.reclaim === undefined ? '—' : reclaimMs.toFixed(0),
    `${loadMs.toFixed(0)} + ${readMs.toFixed(0)}`,
  ]
}

it('item 6: first values in a Y.Array, reclaimed at compaction (a sketch)', () => {
  report(
    'values-array',
    `Item 6: a churned table in the sketched layout (${rowCount.toLocaleString('en')} rows × 10, every cell rewritten ${rewrites} times)`,
    [
      'layout',
      'written once, KB stored',
      'rewritten, KB stored',
      'ratio',
      'insert ms',
      'reclaim ms',
      'load + read all ms',
    ],
    [packed, valuesArray, mapPerRow].map(measure),
  )
})

// Chooses the row layout inside a table's Y.Doc by measurement (docs/architecture.md): the
// Tessera layout through its API, beside raw Yjs layouts and TinyBase, on one workload in one run.
import { createMergeableStore } from 'tinybase'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, type Table } from '../../src/index.js'
import { heapUsed, median, report, time } from './report.js'

const rowCount = Number(process.env.TESSERA_BENCH_ROWS || 100_000)
const tinybaseRows = Math.min(rowCount, 10_000)
const columnIds = Array.from({ length: 10 }, (_, index) => `c${index}`)
const types = [
  'string',
  'number',
  'boolean',
  'string',
  'number',
  'date',
  'string',
  'number',
  'boolean',
  'json',
] as const
const valueOf = (row: number, column: number): string | number | boolean | null | object => {
  const type = types[column] ?? 'json'
  switch (type) {
    case 'string':
      return `text ${row} ${column}`
    case 'number':
      return row * 10 + column
    case 'boolean':
      return row % 2 === 0
    case 'date':
      return new Date(Date.UTC(2026, 0, 1) + row * 60_000).toISOString()
    case 'json':
      return { n: row }
  }
}
const rowOf = (row: number): Record<string, unknown> =>
  Object.fromEntries(columnIds.map((id, column) => [id, valueOf(row, column)]))

/** One layout under test: how it writes, reads changes and deletes, over a Y.Doc. */
interface Layout {
  name: string
  /** Inserts every row of `rows` (prepared beforehand, so only the store's work is timed). */
  insert(doc: Y.Doc, ids: string[], rows: readonly Record<string, unknown>[]): void
  setCell(doc: Y.Doc, id: string, column: string, value: unknown): void
  deleteRows(doc: Y.Doc, ids: string[]): void
  /** Attaches what turns Yjs events into changed row ids; returns the last set seen. */
  watch(doc: Y.Doc): () => Set<string>
}

const nested: Layout = {
  name: 'raw Yjs, nested Y.Map per row',
  insert: (doc, ids, input) =>
    doc.transact(() => {
      const rows = doc.getMap<Y.Map<unknown>>('rows')
      ids.forEach((id, index) => {
        const row = new Y.Map<unknown>()
        rows.set(id, row)
        for (const [key, value] of Object.entries(input[index]!)) row.set(key, value)
      })
    }),
  setCell: (doc, id, column, value) =>
    doc.transact(() => doc.getMap<Y.Map<unknown>>('rows').get(id)!.set(column, value)),
  deleteRows: (doc, ids) => doc.transact(() => ids.forEach((id) => doc.getMap('rows').delete(id))),
  watch(doc) {
    let seen = new Set<string>()
    doc.getMap('rows').observeDeep((events) => {
      seen = new Set()
      for (const event of events) {
        if (event instanceof Y.YMapEvent && event.target === doc.getMap('rows')) {
          for (const key of event.keysChanged) seen.add(key)
        } else seen.add(event.path[0] as string)
      }
    })
    return () => seen
  },
}

const flat: Layout = {
  name: 'raw Yjs, flat cell keys',
  insert: (doc, ids, rows) =>
    doc.transact(() => {
      const cells = doc.getMap('cells')
      ids.forEach((id, index) => {
        for (const [key, value] of Object.entries(rows[index]!))
          cells.set(`${id}\u0000${key}`, value)
      })
    }),
  setCell: (doc, id, column, value) =>
    doc.transact(() => doc.getMap('cells').set(`${id}\u0000${column}`, value)),
  deleteRows: (doc, ids) =>
    doc.transact(() =>
      ids.forEach((id) =>
        columnIds.forEach((column) => doc.getMap('cells').delete(`${id}\u0000${column}`)),
      ),
    ),
  watch(doc) {
    let seen = new Set<string>()
    doc.getMap('cells').observe((event) => {
      seen = new Set([...event.keysChanged].map((key) => key.slice(0, key.indexOf('\u0000'))))
    })
    return () => seen
  },
}

const byColumn: Layout = {
  name: 'raw Yjs, one Y.Map per column',
  insert: (doc, ids, rows) =>
    doc.transact(() => {
      const maps = columnIds.map((column) => doc.getMap(column))
      ids.forEach((id, index) => {
        const row = rows[index]!
        columnIds.forEach((column, at) => maps[at]!.set(id, row[column]))
      })
    }),
  setCell: (doc, id, column, value) => doc.transact(() => doc.getMap(column).set(id, value)),
  deleteRows: (doc, ids) =>
    doc.transact(() =>
      ids.forEach((id) => columnIds.forEach((column) => doc.getMap(column).delete(id))),
    ),
  watch(doc) {
    let seen = new Set<string>()
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      seen = new Set()
      for (const keys of transaction.changed.values())
        for (const key of keys) if (key !== null) seen.add(key)
    })
    return () => seen
  },
}

// The Tessera layout, through the public API (validation, change events and order included).
const tables = new WeakMap<Y.Doc, Table>()
const tableOf = (doc: Y.Doc): Table => {
  let table = tables.get(doc)
  if (table === undefined) {
    table = createTable({ doc, columns: columnIds.map((name, at) => ({ name, type: types[at]! })) })
    tables.set(doc, table)
  }
  return table
}
const tessera: Layout = {
  name: '**Tessera: row value + cell overrides**',
  insert: (doc, ids, rows) => {
    tableOf(doc).insertRows(rows as never)
  },
  setCell: (doc, id, column, value) => tableOf(doc).setCell(id, column, value as never),
  deleteRows: (doc, ids) => {
    tableOf(doc).deleteRows(ids)
  },
  watch(doc) {
    let seen = new Set<string>()
    tableOf(doc).on('change', (change) => {
      seen = new Set([
        ...change.added,
        ...change.deleted,
        ...change.updated.keys(),
        ...change.moved,
      ])
    })
    return () => seen
  },
}

const rowIds = Array.from(
  { length: rowCount },
  (_, index) => `row-${index.toString(36).padStart(6, '0')}`,
)
const format = (value: number, digits = 0) => value.toFixed(digits)

function measure(layout: Layout): (string | number)[] {
  const doc = new Y.Doc()
  if (layout === tessera) tableOf(doc)
  const input = rowIds.map((id, index) =>
    layout === tessera ? { id, ...rowOf(index) } : rowOf(index),
  )
  const insertMs = time(() => layout.insert(doc, rowIds, input))
  const encoded = Y.encodeStateAsUpdate(doc)

  const before = heapUsed()
  const replica = new Y.Doc()
  const loadMs = time(() => {
    Y.applyUpdate(replica, encoded)
    if (layout === tessera) tableOf(replica)
  })
  const heapPerRow = (heapUsed() - before) / rowCount
  expect(layout === tessera ? tableOf(replica).size : rowCount).toBe(rowCount)

  const updates = Array.from({ length: 1000 }, (_, index) =>
    time(() => layout.setCell(doc, rowIds[(index * 7919) % rowCount]!, 'c1', index)),
  )

  // 1,000 cell edits made elsewhere arrive as one update and become row changes.
  const seen = layout.watch(replica)
  const editor = new Y.Doc()
  Y.applyUpdate(editor, encoded)
  if (layout === tessera) tableOf(editor)
  const vector = Y.encodeStateVector(editor)
  editor.transact(() => {
    for (let index = 0; index < 1000; index++)
      layout.setCell(editor, rowIds[(index * 13) % rowCount]!, 'c4', -index)
  })
  const remote = Y.encodeStateAsUpdate(editor, vector)
  const remoteMs = time(() => Y.applyUpdate(replica, remote))
  expect(seen().size).toBe(1000)

  const deleteManyMs = time(() => layout.deleteRows(doc, rowIds.slice(0, rowCount / 10)))
  const deletes = rowIds
    .slice(rowCount / 10, rowCount / 10 + 200)
    .map((id) => time(() => layout.deleteRows(doc, [id])))
  return [
    layout.name,
    format(insertMs),
    format(median(updates) * 1000, 1),
    format(deleteManyMs),
    format(median(deletes), 3),
    format(loadMs),
    format(encoded.length / 1e6, 1),
    format(heapPerRow),
    format(remoteMs, 1),
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
  const updates = Array.from({ length: 1000 }, (_, index) =>
    time(() => store.setCell('t', ids[(index * 7919) % tinybaseRows]!, 'c1', index)),
  )
  const deleteManyMs = time(() =>
    store.transaction(() => ids.slice(0, tinybaseRows / 10).forEach((id) => store.delRow('t', id))),
  )
  return [
    `TinyBase 10 MergeableStore (${tinybaseRows.toLocaleString('en')} rows)`,
    format(insertMs),
    format(median(updates) * 1000, 1),
    format(deleteManyMs),
    '',
    format(loadMs),
    format(size / 1e6, 1),
    '',
    '',
  ]
}

it(`layouts: ${rowCount.toLocaleString('en')} rows × 10 columns`, () => {
  const rows = [tessera, flat, byColumn, nested].map(measure)
  rows.push(measureTinybase())
  report(
    'layout',
    `Row layout, ${rowCount.toLocaleString('en')} rows × 10 mixed columns`,
    [
      'layout',
      'insert all, one transaction (ms)',
      'one cell update, median (µs)',
      `delete ${(rowCount / 10).toLocaleString('en')} rows, one transaction (ms)`,
      'one row delete, median (ms)',
      'load replica from encoded state (ms)',
      'encoded size (MB)',
      'heap per row (bytes)',
      'apply 1,000 remote cell edits → row changes (ms)',
    ],
    rows,
  )
})

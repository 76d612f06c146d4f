// A live query opens with one pass over the stored rows (src/query/stored-scan.ts): packed rows
// never edited are read straight from their value, every other row through the general reader.
// Whatever the rows hold, the first window, the total and the order built later equal the query
// run from scratch over getRow's rows (S20), on the writing replica and on one loaded from bytes.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, type Query, type Table } from '../../src/index.js'
import { evaluateQuery, parseQuery } from '../../src/internal.js'
import { createLiveQuery } from '../../src/query/live-query.js'
import type { QuerySource } from '../../src/query/matching-rows.js'
import { writeRawOverride, writeRawPackedRow } from '../helpers/raw-cells.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
  { name: 'score', type: 'number' as const },
  { name: 'done', type: 'boolean' as const, default: false },
  { name: 'due', type: 'date' as const },
  { name: 'tags', type: 'json' as const },
]

const queries: Query[] = [
  {
    where: { done: false },
    orderBy: [
      ['priority', 'desc'],
      ['score', 'asc'],
    ],
    limit: 3,
  },
  {
    where: { done: false },
    orderBy: [
      ['priority', 'desc'],
      ['score', 'asc'],
    ],
  },
  { orderBy: [['score', 'asc', 'nullsFirst']], limit: 4, offset: 2 },
  { orderBy: [['title', 'desc', 'nullsLast'], 'id'], limit: 5 },
  {
    orderBy: [
      ['due', 'asc'],
      ['done', 'desc'],
    ],
    limit: 4,
  },
  { where: { or: [{ priority: { gte: 3 } }, { title: { startsWith: 'r' } }] }, limit: 3 },
  { where: { id: { in: ['r1', 'r2', 'f1', 'raw1'] } }, orderBy: [['extra', 'desc']] },
  { where: { not: { score: { isNull: true } } }, orderBy: 'done', limit: 2 },
  { where: { tags: { contains: 'x' } }, limit: 10 },
  { where: { id: 'r2' } },
  { where: { title: 'r3', done: false, priority: 3 }, orderBy: 'score' },
  { limit: 6 },
]

/** What every query must equal: the query run from scratch over whole rows in manual order. */
const expected = (table: Table, query: Query) =>
  evaluateQuery(parseQuery(query, table.columns()), table.listRows())

function expectSame(table: Table, source: QuerySource = table): void {
  for (const query of queries) {
    const live = createLiveQuery(source, query)
    expect({ rows: live.rows, total: live.total }, JSON.stringify(query)).toEqual(
      expected(table, query),
    )
    live.dispose()
  }
}

/** Rows of every kind a table can hold, written by two replicas and merged into `table`. */
function tableOfEveryKind(): Table {
  const table = createTable({ columns })
  const id = (name: string) => table.getColumn(name)!.id
  table.insertRows(
    Array.from({ length: 40 }, (_, index) => ({
      id: `r${index}`,
      title: index % 7 === 0 ? null : `r${index % 9}`,
      priority: index % 5,
      ...(index % 6 === 0 ? {} : { score: (index * 37) % 11 }),
      done: index % 4 === 0,
      due: index % 3 === 0 ? null : new Date(Date.UTC(2026, 0, 1 + (index % 8))).toISOString(),
      tags: index % 5 === 0 ? null : index % 2 === 0 ? ['x', index % 3] : { a: index % 4 },
    })),
  )
  // A second shape (fewer columns) and a column no packed row has.
  table.insertRows([{ id: 'short1', title: 'short', priority: 2 }, { id: 'short2' }])
  table.addColumn({ name: 'extra', type: 'number', default: 7 })
  // Edited lives: cell overrides, a cell written back to null, moves, a new life of an id.
  table.updateRow('r1', { priority: 9, extra: 1 })
  table.updateRow('r2', { score: null, title: 'edited' })
  table.moveRow('r3', { before: 'r0' })
  table.deleteRow('r5')
  table.deleteRows(['r6', 'r7'])
  table.insertRow({ id: 'r6', title: 'second life', priority: 4 })
  // Values a foreign writer could store: mixed and wrong types, a packed cell holding null.
  writeRawPackedRow(table.doc, 'raw1', {
    [id('priority')]: '12',
    [id('score')]: Infinity,
    [id('title')]: 5,
    [id('done')]: 'true',
    [id('due')]: 0,
    [id('tags')]: ['x'],
  })
  writeRawPackedRow(table.doc, 'raw2', { [id('priority')]: true, [id('title')]: null }, 'a0')
  writeRawOverride(table.doc, 'raw2', id('score'), '3')
  // Data format 1 rows, one with an override in `cells`.
  table.doc
    .getMap('rows')
    .set('f1', { i: 1, p: 'a3', c: { [id('priority')]: 4, [id('title')]: 'f' } })
  table.doc.getMap('rows').set('f2', { i: 2, p: 'a4', c: { [id('score')]: 1 } })
  writeRawOverride(table.doc, 'f1', id('score'), 9)
  // Values that are not rows (S19): ignored by every read.
  table.doc.transact(() => {
    const rows = table.doc.getMap('rows')
    rows.set('junk1', 42)
    rows.set('junk2', new Y.Map())
    rows.set('junk3', new Uint8Array([1, 2]))
    rows.set('junk4', [0, 'x', 'a0'])
    rows.set('junk5', [99, 'abcdefg', 'a0', 1])
  })
  // Rows from another replica: another client's prefix and shapes.
  const other = createTable({ doc: new Y.Doc() })
  Y.applyUpdate(other.doc, Y.encodeStateAsUpdate(table.doc))
  other.insertRows([
    { id: 'o1', title: 'other', priority: 3, score: 2 },
    { id: 'o2', priority: 3, score: 2 },
  ])
  other.updateRow('r8', { priority: 8 })
  Y.applyUpdate(table.doc, Y.encodeStateAsUpdate(other.doc))
  return table
}

const loadedCopy = (table: Table): Table => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(table.doc))
  return createTable({ doc })
}

describe('live query open over stored rows', () => {
  it('S20 S14 S15 S19: equals the query from scratch over rows of every format, life and type', () => {
    const table = tableOfEveryKind()
    expect(table.getRow('raw1')).toMatchObject({ priority: 12, score: null, title: '5' })
    expect(table.getRow('f1')).toMatchObject({ score: 9, extra: 7 })
    expectSame(table)
    expectSame(loadedCopy(table))
  })

  it('S20: after the first change (which builds the order) it still equals the query from scratch', () => {
    for (const table of [tableOfEveryKind(), loadedCopy(tableOfEveryKind())]) {
      const lives = queries.map((query) => createLiveQuery(table, query))
      table.updateRow('r9', { priority: 1, done: false })
      table.deleteRow('r1')
      table.insertRow({ id: 'late', title: 'r late', priority: 3, score: 0 })
      queries.forEach((query, at) => {
        expect({ rows: lives[at]!.rows, total: lives[at]!.total }).toEqual(expected(table, query))
      })
    }
  })

  it('S20: a source that does not know its size, or has no scan of its own, gives the same rows', () => {
    const table = tableOfEveryKind()
    const scanRows = (table as unknown as Required<QuerySource>).scanRows
    const base: QuerySource = {
      columns: () => table.columns(),
      rowIds: () => table.rowIds(),
      getRow: (id) => table.getRow(id),
      getPosition: (id) => table.getPosition(id),
      on: (event, handler) => table.on(event, handler),
    }
    expectSame(table, { ...base, scanRows })
    expectSame(table, base)
  })

  it('S20: a query opened inside a transaction sees the rows written before it in that transaction', () => {
    const table = tableOfEveryKind()
    table.transact(() => {
      table.insertRow({ id: 'inside', title: 'r in', priority: 9, score: 0 })
      table.updateRow('r4', { priority: 9 })
      table.deleteRow('r8')
      expectSame(table)
    })
  })
})

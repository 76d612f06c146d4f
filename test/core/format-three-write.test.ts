// Data format 3's writer (S282–S284): new rows are written as row values naming their first
// values in `v`, per chunk of at most 100 rows one insert of the values then the rows; the
// format version becomes 3; rows of formats 1 and 2 keep their format beside them; undo and
// redo of an insert keep the first values.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createUndo } from '../../client/undo.js'
import { createTable, type Table } from '../../src/index.js'
import { tableMaps } from '../../src/layout.js'
import { valuesRowOf } from '../../src/values-array.js'
import { writeFormatOneRows, writeRawPackedRow } from '../helpers/raw-cells.js'
import { sync, twoReplicas } from '../helpers/replicas.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
  { name: 'data', type: 'json' as const },
]

const rowsOf = (count: number, from = 0) =>
  Array.from({ length: count }, (_, at) => ({ id: `r${from + at}`, title: `t${from + at}`, n: at }))

/** The client's structs of `type` in the doc's store, in clock order, with their length. */
function itemsIn(table: Table, type: 'v' | 'rows'): { clock: number; length: number }[] {
  const maps = tableMaps(table.doc)
  const parent = (type === 'v' ? maps.values : maps.rows) as unknown
  return table.doc.store.clients
    .get(table.doc.clientID)!
    .filter((struct) => struct instanceof Y.Item && struct.parent === parent && !struct.deleted)
    .map((struct) => ({ clock: struct.id.clock, length: struct.length }))
}

describe('format 3 writer', () => {
  it('S282: a batch writes per chunk of 100 rows one insert of its values, then its rows', () => {
    const table = createTable({ columns })
    table.insertRows(rowsOf(250))
    expect(table.doc.getMap('meta').get('formatVersion')).toBe(3)
    const values = itemsIn(table, 'v')
    expect(values.map((item) => item.length)).toEqual([200, 200, 100])
    const rows = itemsIn(table, 'rows')
    expect(rows).toHaveLength(250)
    // Each chunk's rows come right after its values, before the next chunk's values.
    expect(rows[99]!.clock).toBeLessThan(values[1]!.clock)
    expect(rows[100]!.clock).toBeGreaterThan(values[1]!.clock)
    const maps = tableMaps(table.doc)
    const parts = valuesRowOf(maps.rows.get('r120'))!
    expect(parts.clock).toBe(values[1]!.clock + 40)
    expect(Object.keys(maps.rows.get('r120') as object)).toEqual(['s', 'i', 'p', 'b'])
    expect(table.getRow('r120')).toEqual({ id: 'r120', title: 't120', n: 120, data: null })
    const copy = createTable({ doc: new Y.Doc() })
    Y.applyUpdate(copy.doc, Y.encodeStateAsUpdate(table.doc))
    expect(createTable({ doc: copy.doc }).listRows()).toEqual(table.listRows())
  })

  it('S282: single inserts, rows of other layouts, rows without cells (format 2) and JSON cells', () => {
    const table = createTable({ columns })
    const a = table.insertRow({ title: 'a', data: Object.assign(Object.create(null), { k: 1 }) })
    const b = table.insertRow({})
    const [c, d] = table.insertRows([{ n: 3 }, { data: [1, { x: 'y' }], title: 'd' }])
    expect(itemsIn(table, 'v').map((item) => item.length)).toEqual([2, 3])
    const again = createTable({ doc: table.doc })
    for (const reader of [table, again]) {
      expect(reader.getRow(a)).toEqual({ id: a, title: 'a', n: 0, data: { k: 1 } })
      expect(reader.getRow(b)).toEqual({ id: b, title: null, n: 0, data: null })
      expect(reader.getRow(c!)).toMatchObject({ n: 3, title: null })
      expect(reader.getRow(d!)).toMatchObject({ title: 'd', data: [1, { x: 'y' }] })
    }
    // A row without cells names no first value: it is a format 2 row without cells.
    expect(tableMaps(table.doc).rows.get(b)).toEqual([expect.any(Number), expect.any(String), 'a1'])
  })

  it('S282: ids already rows, or given twice, are updated and leave no first value behind', () => {
    const table = createTable({ columns })
    table.insertRows(rowsOf(3))
    table.insertRows([
      { id: 'r1', title: 'updated' },
      { id: 'x', title: 'x1' },
      { id: 'x', title: 'x2', n: 5 },
      { id: 'y', title: 'y' },
    ])
    expect(table.rowIds()).toEqual(['r0', 'r1', 'r2', 'x', 'y'])
    expect(table.getRow('r1')).toMatchObject({ title: 'updated', n: 1 })
    expect(table.getRow('x')).toMatchObject({ title: 'x2', n: 5 })
    // The second batch wrote the values of x and y (x's second cells were deleted again).
    const live = tableMaps(table.doc).values.toArray()
    expect(live.slice(6)).toEqual(['x1', 'y'])
    expect(createTable({ doc: table.doc }).listRows()).toEqual(table.listRows())
  })

  it('S283: rows of formats 1 and 2 keep their format and are edited beside format 3 rows', () => {
    const [a, b] = twoReplicas({ columns })
    writeFormatOneRows(a.doc, [{ id: 'one', position: 'a1', cells: { title: 'format 1' } }])
    a.doc.getMap('meta').set('formatVersion', 1)
    writeRawPackedRow(a.doc, 'two', { title: 'format 2', n: 2 }, 'a2')
    a.doc.getMap('meta').set('formatVersion', 2)
    const three = a.insertRow({ title: 'format 3' })
    expect(a.doc.getMap('meta').get('formatVersion')).toBe(3)
    sync(a, b)
    b.setCell('one', 'n', 1)
    b.setCell('two', 'title', 'edited 2')
    a.setCell(three, 'n', 3)
    b.moveRow(three, { before: 'one' })
    sync(a, b)
    const rows = a.doc.getMap('rows')
    expect(rows.get('one')).toMatchObject({ c: { title: 'format 1' } })
    expect(Array.isArray(rows.get('two'))).toBe(true)
    for (const table of [a, b, createTable({ doc: a.doc })]) {
      expect(table.listRows()).toEqual([
        { id: three, title: 'format 3', n: 3, data: null },
        { id: 'one', title: 'format 1', n: 1, data: null },
        { id: 'two', title: 'edited 2', n: 2, data: null },
      ])
    }
  })

  it('S284: undo of an insert leaves its first values; redo brings the row back with its cells', () => {
    const table = createTable({ columns })
    const undo = createUndo(table, {}, (error) => {
      throw error
    })
    table.insertRows(rowsOf(3))
    table.setCell('r1', 'n', 7)
    expect(undo.undo()).toBe(true)
    expect(undo.undo()).toBe(true)
    expect(table.size).toBe(0)
    expect(tableMaps(table.doc).values.length).toBe(6)
    expect(undo.redo()).toBe(true)
    expect(undo.redo()).toBe(true)
    expect(table.listRows()).toEqual([
      { id: 'r0', title: 't0', n: 0, data: null },
      { id: 'r1', title: 't1', n: 7, data: null },
      { id: 'r2', title: 't2', n: 2, data: null },
    ])
  })
})

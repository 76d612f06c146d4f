// Data format 3's rows as every reader reads them (S281): rows written with plain Yjs the way
// the writer writes them (test/helpers/raw-format-three.ts) read, query, edit, move and delete
// like packed rows, with the merge rules S1–S6 between replicas, a window's reader and undo.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createConflicts, createTable, type Table } from '../../src/index.js'
import { tableMaps } from '../../src/layout.js'
import { deadOverrideKeys, reclaimDeadOverrides } from '../../src/reclaim.js'
import { createWindowLayout } from '../../src/window/window-layout.js'
import { createLiveQuery } from '../../src/query/live-query.js'
import { scanStoredRows } from '../../src/query/stored-scan.js'
import { createRowShapes } from '../../src/row-shapes.js'
import { createRowStates } from '../../src/row-state.js'
import { deleteValues } from '../../src/values-array.js'
import { writeRawFormatThreeRows } from '../helpers/raw-format-three.js'
import { createNetwork, sync, twoReplicas } from '../helpers/replicas.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
  { name: 'done', type: 'boolean' as const, default: false },
]

const idsOf = (table: Table, names: readonly string[]): string[] =>
  names.map((name) => table.columns().find((column) => column.name === name)!.id)

/** Writes format 3 rows `r0`… with (title, priority) into `table`'s doc, as its own client. */
function writeRows(table: Table, count: number, from = 0): string[] {
  const rows = Array.from({ length: count }, (_, at) => ({
    id: `r${from + at}`,
    cells: [`t${from + at}`, from + at],
  }))
  writeRawFormatThreeRows(table.doc, idsOf(table, ['title', 'priority']), rows)
  return rows.map((row) => row.id)
}

describe('format 3 rows read', () => {
  it('S281: a table opened on a doc of format 3 rows reads, lists, queries and scans them', () => {
    const [a] = twoReplicas({ columns })
    const ids = writeRows(a, 250)
    const table = createTable({ doc: a.doc })
    expect(table.rowIds()).toEqual(ids)
    expect(table.getRow('r7')).toEqual({ id: 'r7', title: 't7', priority: 7, done: false })
    expect(table.getCell('r249', 'title')).toBe('t249')
    expect(a.getRow('r120')).toEqual({ id: 'r120', title: 't120', priority: 120, done: false })
    const query = { where: { priority: { gte: 240 } }, orderBy: [['priority', 'desc']] } as const
    expect(table.query(query).map((row) => row.id)).toEqual(
      Array.from({ length: 10 }, (_, at) => `r${249 - at}`),
    )
    const scanned: [string, unknown][] = []
    scanStoredRows(
      tableMaps(a.doc),
      createRowStates(tableMaps(a.doc), createRowShapes(tableMaps(a.doc))),
      [table.columns()[0]!, table.columns()[2]!],
      (id, _position, values) => {
        if (id === 'r3' || id === 'r200') scanned.push([id, [...values]])
      },
    )
    expect(scanned.sort()).toEqual([
      ['r200', ['t200', false]],
      ['r3', ['t3', false]],
    ])
    const live = createLiveQuery(table, { where: { title: 't5' } })
    expect(live.rows.map((row) => row.id)).toEqual(['r5'])
  })

  it('S281: edits, moves and deletes of format 3 rows are overrides of their life, as format 2', () => {
    const [a, b] = twoReplicas({ columns })
    writeRows(a, 5)
    sync(a, b)
    a.setCell('r1', 'title', 'edited')
    a.updateRow('r2', { done: true, priority: 20 })
    a.moveRow('r4', { before: 'r0' })
    expect(a.deleteRow('r3')).toBe(true)
    expect(a.doc.getMap('o').size).toBeGreaterThan(0)
    sync(a, b)
    for (const table of [a, b, createTable({ doc: a.doc })]) {
      expect(table.rowIds()).toEqual(['r4', 'r0', 'r1', 'r2'])
      expect(table.getRow('r1')).toMatchObject({ title: 'edited', priority: 1 })
      expect(table.getRow('r2')).toMatchObject({ title: 't2', priority: 20, done: true })
      expect(table.query({ where: { done: true } }).map((row) => row.id)).toEqual(['r2'])
    }
  })

  it('S281: a first value deleted or missing reads as the column default', () => {
    const [a] = twoReplicas({ columns })
    writeRows(a, 3)
    const maps = tableMaps(a.doc)
    // The one item of `v` holds t0, 0, t1, 1, t2, 2: delete r1's title.
    const [item] = a.doc.store.clients
      .get(a.doc.clientID)!
      .filter((struct) => struct instanceof Y.Item && struct.parent === (maps.values as unknown))
    a.doc.transact((transaction) => {
      deleteValues(transaction, maps.values, a.doc.clientID, [item!.id.clock + 2])
    })
    expect(a.getRow('r1')).toEqual({ id: 'r1', title: null, priority: 1, done: false })
    expect(createTable({ doc: a.doc }).getRow('r1')).toMatchObject({ title: null })
    expect(a.query({ where: { title: 't0' } }).map((row) => row.id)).toEqual(['r0'])
  })

  it('S1, S2: concurrent edits of a format 3 row merge by cell, one cell to the greater client', () => {
    const [a, b] = twoReplicas({ columns })
    writeRows(a, 2)
    sync(a, b)
    a.setCell('r0', 'title', 'from a')
    b.setCell('r0', 'priority', 9)
    a.setCell('r1', 'title', 'from a')
    b.setCell('r1', 'title', 'from b')
    sync(a, b)
    expect(a.getRow('r0')).toMatchObject({ title: 'from a', priority: 9 })
    expect(a.getCell('r1', 'title')).toBe('from b')
    expect(b.listRows()).toEqual(a.listRows())
  })

  it('S3, S5: a delete beats a concurrent edit and move; rows order by position then id', () => {
    const [a, b] = twoReplicas({ columns })
    writeRows(a, 3)
    sync(a, b)
    a.deleteRow('r1')
    b.setCell('r1', 'title', 'late')
    b.moveRow('r1', { before: 'r0' })
    b.moveRow('r2', { before: 'r0' })
    sync(a, b)
    for (const table of [a, b]) {
      expect(table.hasRow('r1')).toBe(false)
      expect(table.rowIds()).toEqual(['r2', 'r0'])
    }
  })

  it('S4, S6: concurrent creates of one id keep one life whole; a deleted id comes back empty', () => {
    const [a, b] = twoReplicas({ columns })
    writeRows(a, 1)
    b.insertRow({ title: 'from b' }, { id: 'r0' })
    sync(a, b)
    expect(b.getRow('r0')).toEqual(a.getRow('r0'))
    const row = a.getRow('r0')!
    expect([row.title, row.priority]).toEqual(row.title === 't0' ? ['t0', 0] : ['from b', 0])
    writeRows(a, 1, 1)
    a.setCell('r1', 'done', true)
    a.deleteRow('r1')
    a.insertRow({ title: 'again' }, { id: 'r1' })
    sync(a, b)
    expect(b.getRow('r1')).toEqual({ id: 'r1', title: 'again', priority: 0, done: false })
  })

  it("S281: a window's reader reads format 3 rows' cells and their override keys", () => {
    const [a] = twoReplicas({ columns })
    writeRows(a, 3)
    a.setCell('r2', 'title', 'edited')
    const layout = createWindowLayout(tableMaps(a.doc))
    const [title] = a.columns()
    expect(layout.cellOf(layout.rowOf('r1')!, title!)).toBe('t1')
    expect(layout.cellOf(layout.rowOf('r2')!, title!)).toBe('edited')
    expect(layout.keyRefsOf(layout.rowOf('r2')!, [title!.id]).length).toBe(1)
    expect(layout.slotsOf(layout.rowOf('r2')!, a.columns())).toEqual([1, 2, 0])
  })

  it('S281: a conflict on a format 3 row is reported; overrides of its dead life are reclaimed', () => {
    const network = createNetwork(2, { columns })
    const [a, b] = network.tables as [Table, Table]
    writeRows(a, 2)
    network.deliverAll()
    const conflicts = createConflicts(a)
    a.setCell('r0', 'title', 'from 1')
    b.setCell('r0', 'title', 'from 2')
    b.setCell('r1', 'priority', 5)
    a.deleteRow('r1')
    network.deliverAll()
    expect(conflicts.list()).toEqual([
      expect.objectContaining({ row: 'r0', column: 'title', mine: 'from 1', theirs: 'from 2' }),
    ])
    const maps = tableMaps(a.doc)
    expect(deadOverrideKeys(maps).overrides).toHaveLength(1)
    expect(reclaimDeadOverrides(maps, 'reclaim')).toBe(1)
    expect(a.getRow('r0')).toMatchObject({ title: 'from 2', priority: 0 })
  })
})

// A bulk insert leaves its rows for the row index's next read and lists its added rows when the
// change is read (row-state.ts, fresh-rows.ts): every read, write and remote change after it
// must see the table as if the rows had been entered one by one.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, type TableChange } from '../../src/index.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
]

function watched(doc?: Y.Doc) {
  const table = createTable(doc === undefined ? { columns } : { doc, columns })
  const changes: TableChange[] = []
  table.on('change', (change) => changes.push(change))
  return { table, changes }
}

const rowsOf = (count: number, from = 0) =>
  Array.from({ length: count }, (_, index) => ({
    id: `r${from + index}`,
    title: `t${from + index}`,
    n: from + index,
  }))

describe('bulk insert, rows left for the index', () => {
  it("the change's added rows are a Set of the inserted ids in order, made once", () => {
    const { table, changes } = watched()
    table.insertRows(rowsOf(5))
    const { added } = changes[0]!
    expect(added).toBeInstanceOf(Set)
    expect(added).toEqual(new Set(['r0', 'r1', 'r2', 'r3', 'r4']))
    expect(changes[0]!.added).toBe(added)
    expect(changes[0]).toMatchObject({ source: 'local', schemaChanged: false })
    expect(changes[0]!.deleted.size + changes[0]!.updated.size + changes[0]!.moved.size).toBe(0)
  })

  it('two bulk inserts before any read: each change lists its own rows, the size counts both', () => {
    const { table, changes } = watched()
    table.insertRows(rowsOf(3))
    table.insertRows(rowsOf(2, 3))
    expect(table.size).toBe(5)
    expect([...changes[1]!.added]).toEqual(['r3', 'r4'])
    expect([...changes[0]!.added]).toEqual(['r0', 'r1', 'r2'])
    expect(table.listRows().map((row) => row.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4'])
  })

  it('S4: a second batch naming rows of an unread first one updates them', () => {
    const { table, changes } = watched()
    table.insertRows(rowsOf(3))
    table.insertRows([{ id: 'r1', n: 10 }, { id: 'r9' }])
    expect(table.getRow('r1')).toEqual({ id: 'r1', title: 't1', n: 10 })
    expect([...changes[1]!.added]).toEqual(['r9'])
    expect([...changes[1]!.updated.keys()]).toEqual(['r1'])
    expect(table.size).toBe(4)
  })

  it('S4: an id given twice in a batch after an unread one is inserted once, then updated', () => {
    const { table } = watched()
    table.insertRows(rowsOf(2))
    table.insertRows([
      { id: 'x', title: 'first', n: 1 },
      { id: 'x', n: 2 },
    ])
    expect(table.getRow('x')).toEqual({ id: 'x', title: 'first', n: 2 })
    expect(table.size).toBe(3)
  })

  it('a remote delete of unread rows is a deletion on the replica that inserted them', () => {
    const a = watched()
    const b = watched()
    a.table.insertRows(rowsOf(4))
    Y.applyUpdate(b.table.doc, Y.encodeStateAsUpdate(a.table.doc))
    b.table.deleteRows(['r1', 'r2'])
    Y.applyUpdate(a.table.doc, Y.encodeStateAsUpdate(b.table.doc))
    const remote = a.changes.at(-1)!
    expect(remote.source).toBe('remote')
    expect([...remote.deleted].sort()).toEqual(['r1', 'r2'])
    expect(remote.added.size).toBe(0)
    expect(a.table.listRows().map((row) => row.id)).toEqual(['r0', 'r3'])
  })

  it('a remote edit of an unread row is an update of that row', () => {
    const a = watched()
    const b = watched()
    a.table.insertRows(rowsOf(2))
    Y.applyUpdate(b.table.doc, Y.encodeStateAsUpdate(a.table.doc))
    b.table.updateRow('r0', { title: 'edited' })
    Y.applyUpdate(a.table.doc, Y.encodeStateAsUpdate(b.table.doc))
    expect([...a.changes.at(-1)!.updated]).toEqual([
      ['r0', new Set([a.table.getColumn('title')!.id])],
    ])
    expect(a.table.getRow('r0')).toEqual({ id: 'r0', title: 'edited', n: 0 })
  })

  it('undoing an unread bulk insert deletes its rows', () => {
    const { table, changes } = watched()
    const undo = new Y.UndoManager(table.doc, { trackedOrigins: new Set([table.origin]) })
    table.insertRows(rowsOf(3))
    undo.undo()
    expect(changes.at(-1)!.source).toBe('undo')
    expect([...changes.at(-1)!.deleted].sort()).toEqual(['r0', 'r1', 'r2'])
    expect(table.size).toBe(0)
    undo.redo()
    expect([...changes.at(-1)!.added].sort()).toEqual(['r0', 'r1', 'r2'])
    expect(table.listRows().map((row) => row.id)).toEqual(['r0', 'r1', 'r2'])
  })

  it('rows inserted after the manual order was built take their place in it', () => {
    const { table } = watched()
    table.insertRows(rowsOf(2))
    expect(table.listRows().map((row) => row.id)).toEqual(['r0', 'r1'])
    table.insertRows(rowsOf(2, 2))
    table.insertRows([{ id: 'm' }], { before: 'r3' })
    table.moveRow('r0', { after: 'r3' })
    expect(table.listRows().map((row) => row.id)).toEqual(['r1', 'r2', 'm', 'r3', 'r0'])
  })

  it('a delete and other writes after an unread insert in one transaction', () => {
    const { table, changes } = watched()
    table.insertRows(rowsOf(2))
    table.transact(() => {
      table.insertRows(rowsOf(2, 2))
      table.deleteRow('r0')
      table.insertRows(rowsOf(1, 4))
    })
    const change = changes.at(-1)!
    expect([...change.added].sort()).toEqual(['r2', 'r3', 'r4'])
    expect([...change.deleted]).toEqual(['r0'])
    expect(table.listRows().map((row) => row.id)).toEqual(['r1', 'r2', 'r3', 'r4'])
  })

  it("the ids a bulk insert returns are the caller's: changing them changes no row", () => {
    const { table, changes } = watched()
    const ids = table.insertRows(rowsOf(3))
    ids.length = 0
    ids.push('nope' as never)
    expect(table.listRows().map((row) => row.id)).toEqual(['r0', 'r1', 'r2'])
    expect([...changes[0]!.added]).toEqual(['r0', 'r1', 'r2'])
  })

  it('a batch with holes skips them, and its rows still wait for the index', () => {
    const { table, changes } = watched()
    const rows = rowsOf(3)
    const sparse: typeof rows = []
    sparse[0] = rows[0]!
    sparse[2] = rows[2]! // index 1 is a hole
    table.insertRows(sparse)
    expect(table.size).toBe(2)
    expect([...changes[0]!.added]).toEqual(['r0', 'r2'])
    expect(table.listRows().map((row) => row.id)).toEqual(['r0', 'r2'])
  })

  it('live queries opened before and after an unread insert see its rows', () => {
    const { table } = watched()
    const before = table.liveQuery({ where: { n: { gte: 2 } }, orderBy: [['n', 'desc']] })
    table.insertRows(rowsOf(4))
    const after = table.liveQuery({ where: { n: { lt: 2 } }, orderBy: [['n', 'asc']] })
    expect(before.rows.map((row) => row.id)).toEqual(['r3', 'r2'])
    expect(after.rows.map((row) => row.id)).toEqual(['r0', 'r1'])
    table.insertRows(rowsOf(2, 4))
    expect(before.rows.map((row) => row.id)).toEqual(['r5', 'r4', 'r3', 'r2'])
  })
})

// Bulk inserts record their rows without the per-row bookkeeping of other writes (row-state.ts
// addLocal): the change and the table must read as if every row had been recorded one by one.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, type TableChange } from '../../src/index.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
]

function watched() {
  const table = createTable({ columns })
  const changes: TableChange[] = []
  table.on('change', (change) => changes.push(change))
  return { table, changes }
}

describe('bulk insert bookkeeping', () => {
  it('S4: an id given twice in one insertRows is inserted once, then updated; one added row', () => {
    const { table, changes } = watched()
    table.insertRows([
      { id: 'a', title: 'first', n: 1 },
      { id: 'b', title: 'b' },
      { id: 'a', n: 2 },
    ])
    expect(table.getRow('a')).toEqual({ id: 'a', title: 'first', n: 2 })
    expect(table.listRows().map((row) => row.id)).toEqual(['a', 'b'])
    expect(changes).toHaveLength(1)
    expect([...changes[0]!.added].sort()).toEqual(['a', 'b'])
    expect(changes[0]!.updated.size).toBe(0)
  })

  it('a row deleted and inserted again in one transaction is an update, not an addition', () => {
    const { table, changes } = watched()
    table.insertRow({ title: 'old', n: 1 }, { id: 'a' })
    changes.length = 0
    table.transact(() => {
      table.deleteRow('a')
      table.insertRows([{ id: 'a', title: 'new' }])
    })
    expect(table.getRow('a')).toEqual({ id: 'a', title: 'new', n: 0 })
    expect(changes).toHaveLength(1)
    expect(changes[0]!.added.size).toBe(0)
    expect(changes[0]!.deleted.size).toBe(0)
    expect([...changes[0]!.updated.keys()]).toEqual(['a'])
  })

  it('rows inserted, then edited, moved or deleted in the same transaction', () => {
    const { table, changes } = watched()
    table.insertRow({ title: 'z' }, { id: 'z' })
    changes.length = 0
    table.transact(() => {
      table.insertRows([{ id: 'a', title: 'a' }, { id: 'b', title: 'b' }, { id: 'c' }])
      table.updateRow('a', { n: 5 })
      table.moveRow('b', { before: 'z' })
      table.deleteRow('c')
    })
    expect(table.listRows()).toEqual([
      { id: 'b', title: 'b', n: 0 },
      { id: 'z', title: 'z', n: 0 },
      { id: 'a', title: 'a', n: 5 },
    ])
    expect(changes).toHaveLength(1)
    expect([...changes[0]!.added].sort()).toEqual(['a', 'b'])
    expect(changes[0]!.deleted.size + changes[0]!.updated.size + changes[0]!.moved.size).toBe(0)
  })

  it('a replica that receives the bulk insert sees the same rows and the same addition', () => {
    const { table } = watched()
    const other = watched()
    table.insertRows(Array.from({ length: 50 }, (_, index) => ({ id: `r${index}`, n: index })))
    Y.applyUpdate(other.table.doc, Y.encodeStateAsUpdate(table.doc))
    expect(other.table.listRows()).toEqual(table.listRows())
    expect(other.changes.at(-1)!.added.size).toBe(50)
    expect(table.size).toBe(50)
  })

  it('rows written over deleted rows of the same ids reach a replica, update by update', () => {
    // The writer sets each row's key in `rows` itself (row-packer.ts), after the key's last
    // item, deleted or not: a replica must read the newest value of every key, as Y.Map#set's.
    const { table } = watched()
    const replica = new Y.Doc()
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(table.doc))
    table.doc.on('update', (update: Uint8Array) => Y.applyUpdate(replica, update))
    table.insertRows([{ id: 'a', title: 'one' }, { id: 'b', title: 'one' }, { id: 'c' }])
    table.deleteRows(['a', 'b'])
    table.insertRow({ title: 'two' }, { id: 'a' })
    table.insertRows([{ id: 'b', title: 'two' }, { id: 'd' }, { id: 'c', n: 3 }])
    table.deleteRow('a')
    table.insertRows([{ id: 'a', title: 'three' }])
    expect(table.listRows()).toEqual([
      { id: 'c', title: null, n: 3 },
      { id: 'b', title: 'two', n: 0 },
      { id: 'd', title: null, n: 0 },
      { id: 'a', title: 'three', n: 0 },
    ])
    expect(createTable({ doc: replica }).listRows()).toEqual(table.listRows())
    const fresh = createTable({ doc: new Y.Doc() })
    Y.applyUpdate(fresh.doc, Y.encodeStateAsUpdate(table.doc))
    expect(fresh.listRows()).toEqual(table.listRows())
  })

  it('SCHEMA_VIOLATION names the row of the batch; nothing is written', () => {
    const { table, changes } = watched()
    expect(() => table.insertRows([{ n: 1 }, { n: 'two' }])).toThrow(
      /insertRows\[1\]: column "n" expects a finite number/,
    )
    expect(() => table.insertRows([{ id: '' }])).toThrow(/insertRows\[0\]: a row id/)
    expect(table.size).toBe(0)
    expect(changes).toHaveLength(0)
  })
})

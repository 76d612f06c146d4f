// Migrations declared in code: once per version, convergent when two offline replicas run the same
// one, never deleting rows; removed columns are hidden and restored with their data.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, isTesseraError, type Table } from '../../src/index.js'

/** Exchanges every update between two docs (what sync does once both are online). */
const sync = (a: Y.Doc, b: Y.Doc): void => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

/** Version 2 of an app's schema: a priority column, set from the title. */
const addPriority = (table: Table): void => {
  table.addColumn({ id: 'priority', name: 'priority', type: 'number', default: 0 })
  for (const row of table.listRows()) {
    if (typeof row.title === 'string' && row.title.endsWith('!'))
      table.setCell(row.id, 'priority', 3)
  }
}

const seeded = () => {
  const table = createTable({ columns: [{ name: 'title', type: 'string' }] })
  table.insertRow({ title: 'urgent!' }, { id: 'a' })
  table.insertRow({ title: 'later' }, { id: 'b' })
  return table
}

describe('migrations', () => {
  it('S112: a migration runs once per version, in one transaction that records the version', () => {
    const table = seeded()
    let updates = 0
    table.doc.on('update', () => updates++)
    expect(table.schemaVersion).toBe(0)
    expect(table.migrate(2, addPriority)).toBe(true)
    expect(updates).toBe(1)
    expect(table.schemaVersion).toBe(2)
    expect(table.migrate(2, addPriority)).toBe(false)
    expect(table.migrate(1, () => table.addColumn({ name: 'never', type: 'string' }))).toBe(false)
    expect(table.getRow('a')).toEqual({ id: 'a', title: 'urgent!', priority: 3 })
    expect(() => table.migrate(0, addPriority)).toThrow(/version must be a whole number/)
  })

  it('S112: two offline replicas that run the same migration converge to one result', () => {
    const server = seeded()
    const a = createTable({ doc: new Y.Doc() })
    const b = createTable({ doc: new Y.Doc() })
    sync(server.doc, a.doc)
    sync(server.doc, b.doc)
    expect(a.migrate(2, addPriority)).toBe(true)
    expect(b.migrate(2, addPriority)).toBe(true)
    b.setCell('b', 'priority', 1)
    sync(a.doc, b.doc)
    sync(a.doc, server.doc)
    expect(a.toJSON()).toEqual(b.toJSON())
    expect(server.toJSON()).toEqual(a.toJSON())
    expect(a.columns().map((column) => column.name)).toEqual(['title', 'priority'])
    expect(a.listRows()).toEqual([
      { id: 'a', title: 'urgent!', priority: 3 },
      { id: 'b', title: 'later', priority: 1 },
    ])
    expect(a.migrate(2, addPriority)).toBe(false)
    expect(server.schemaVersion).toBe(2)
  })

  it('S112: replicas that applied different versions offline keep the greatest', () => {
    const a = seeded()
    const b = createTable({ doc: new Y.Doc() })
    sync(a.doc, b.doc)
    a.migrate(2, addPriority)
    b.migrate(3, (table) => table.addColumn({ id: 'done', name: 'done', type: 'boolean' }))
    sync(a.doc, b.doc)
    expect(a.schemaVersion).toBe(3)
    expect(b.schemaVersion).toBe(3)
  })

  it('S112: a migration may not delete rows, and nothing of a refused migration is written', () => {
    const table = seeded()
    let caught: unknown
    try {
      table.migrate(2, (t) => {
        t.addColumn({ name: 'tmp', type: 'string' })
        t.deleteRow('a')
      })
    } catch (error) {
      caught = error
    }
    expect(isTesseraError(caught, 'FORBIDDEN')).toBe(true)
    expect(table.hasRow('a')).toBe(true)
    expect(table.getColumn('tmp')).toBeUndefined()
    expect(table.removedColumns()).toEqual([])
    expect(table.schemaVersion).toBe(0)
  })

  it('S113: a removed column is hidden and restored with its data, also by another replica', () => {
    const a = seeded()
    a.addColumn({ name: 'note', type: 'string' })
    a.setCell('a', 'note', 'keep me')
    const b = createTable({ doc: new Y.Doc() })
    sync(a.doc, b.doc)
    a.removeColumn('note')
    sync(a.doc, b.doc)
    expect(b.getRow('a')).toEqual({ id: 'a', title: 'urgent!' })
    expect(b.removedColumns()).toEqual([{ id: 'note', name: 'note' }])
    b.restoreColumn('note')
    sync(a.doc, b.doc)
    expect(a.getRow('a')).toEqual({ id: 'a', title: 'urgent!', note: 'keep me' })
    expect(a.removedColumns()).toEqual([])
    expect(() => a.restoreColumn('nothing')).toThrow(/no removed column "nothing"/)
  })
})

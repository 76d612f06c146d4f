import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { codeOf } from '../helpers/errors.js'
import { createTable, type TableChange } from '../../src/index.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
  { name: 'done', type: 'boolean' as const, default: false },
  { name: 'due', type: 'date' as const },
  { name: 'tags', type: 'json' as const },
]

describe('table rows', () => {
  it('inserts, reads, updates and deletes rows with generated ids', () => {
    const table = createTable({ columns })
    const id = table.insertRow({ title: 'a', priority: 3 })
    expect(id).toMatch(/^[\w-]{16}$/)
    expect(table.getRow(id)).toEqual({
      id,
      title: 'a',
      priority: 3,
      done: false,
      due: null,
      tags: null,
    })
    table.updateRow(id, { done: true, tags: ['x', { y: 1 }] })
    expect(table.getRow(id)).toMatchObject({ done: true, tags: ['x', { y: 1 }], priority: 3 })
    expect(table.deleteRow(id)).toBe(true)
    expect(table.getRow(id)).toBeUndefined()
    expect(table.deleteRow(id)).toBe(false)
    expect(table.size).toBe(0)
  })

  it('uses a caller-given id and upserts when the id exists', () => {
    const table = createTable({ columns })
    expect(table.insertRow({ title: 'a' }, { id: 'row-1' })).toBe('row-1')
    table.insertRow({ priority: 9 }, { id: 'row-1' })
    expect(table.getRow('row-1')).toMatchObject({ title: 'a', priority: 9 })
    table.setRow('row-2', { title: 'b' })
    expect(table.rowIds()).toEqual(['row-1', 'row-2'])
  })

  it('stores dates as ISO strings and accepts Date, ISO text and milliseconds', () => {
    const table = createTable({ columns })
    const a = table.insertRow({ due: new Date(Date.UTC(2026, 0, 2)) })
    const b = table.insertRow({ due: '2026-01-02' })
    const c = table.insertRow({ due: Date.UTC(2026, 0, 2) })
    for (const id of [a, b, c]) expect(table.getCell(id, 'due')).toBe('2026-01-02T00:00:00.000Z')
  })

  it('keeps manual order through inserts before/after and moves', () => {
    const table = createTable({ columns })
    const [a, b, c] = table.insertRows([{ title: 'a' }, { title: 'b' }, { title: 'c' }])
    const d = table.insertRow({ title: 'd' }, { before: b! })
    const e = table.insertRow({ title: 'e' }, { after: c! })
    table.moveRow(a!, { after: c! })
    expect(table.listRows().map((row) => row.title)).toEqual(['d', 'b', 'c', 'a', 'e'])
    table.moveRow(e, { before: d })
    expect(table.rowIds()).toEqual([e, d, b, c, a])
  })

  it('inserts many rows after one row in one call, in the given order', () => {
    const table = createTable({ columns })
    const [a] = table.insertRows([{ title: 'a' }, { title: 'b' }])
    table.insertRows([{ title: 'x' }, { title: 'y' }], { after: a! })
    expect(table.listRows().map((row) => row.title)).toEqual(['a', 'x', 'y', 'b'])
  })

  it('gives one change event per transaction, however many rows it touches', () => {
    const table = createTable({ columns })
    const changes: TableChange[] = []
    table.on('change', (change) => changes.push(change))
    const ids = table.transact(() => {
      const ids = table.insertRows([{ title: 'a' }, { title: 'b' }])
      table.updateRow(ids[0]!, { priority: 2 })
      table.insertRow({ title: 'c' }, { after: ids[0]! })
      return ids
    })
    expect(changes).toHaveLength(1)
    expect(changes[0]!.source).toBe('local')
    expect(changes[0]!.added.size).toBe(3)
    table.transact(() => {
      table.setCell(ids[1]!, 'title', 'B')
      table.deleteRow(ids[0]!)
    })
    expect(changes).toHaveLength(2)
    expect([...changes[1]!.deleted]).toEqual([ids[0]])
    expect([...changes[1]!.updated]).toEqual([[ids[1], new Set(['title'])]])
  })

  it('reports remote changes with source "remote" and the cells they touched', () => {
    const a = createTable({ columns })
    const b = createTable({ doc: new Y.Doc() })
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc))
    const id = a.insertRow({ title: 'x' })
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc))
    const changes: TableChange[] = []
    b.on('change', (change) => changes.push(change))
    const before = Y.encodeStateVector(a.doc)
    a.setCell(id, 'priority', 5)
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, before), 'peer')
    expect(changes).toHaveLength(1)
    expect(changes[0]).toMatchObject({ source: 'remote', origin: 'peer' })
    expect([...changes[0]!.updated]).toEqual([[id, new Set(['priority'])]])
  })

  it('a transaction that changes nothing visible emits no change', () => {
    const table = createTable({ columns })
    let count = 0
    table.on('change', () => count++)
    table.transact(() => undefined)
    table.deleteRows(['missing'])
    expect(count).toBe(0)
  })

  it('stops calling a handler once unsubscribed', () => {
    const table = createTable({ columns })
    let count = 0
    const stop = table.on('change', () => count++)
    table.insertRow({ title: 'a' })
    stop()
    table.insertRow({ title: 'b' })
    expect(count).toBe(1)
  })

  it('opens an existing document with its rows, order and schema', () => {
    const table = createTable({ columns, name: 'todos' })
    const ids = table.insertRows([{ title: 'a' }, { title: 'b' }])
    table.moveRow(ids[1]!, { before: ids[0]! })
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(table.doc))
    const reopened = createTable({ doc: copy })
    expect(reopened.name).toBe('todos')
    expect(reopened.toJSON()).toEqual(table.toJSON())
  })
})

describe('table schema', () => {
  it('adds, renames, retypes, moves and removes columns', () => {
    const table = createTable({ columns: [{ name: 'a', type: 'string' }] })
    const id = table.insertRow({ a: '12' })
    table.addColumn({ name: 'b', type: 'number', default: 7 }, { before: 'a' })
    expect(table.columns().map((column) => column.name)).toEqual(['b', 'a'])
    expect(table.getRow(id)).toEqual({ id, a: '12', b: 7 })
    table.renameColumn('a', 'text')
    table.setColumnType('text', 'number')
    expect(table.getRow(id)).toEqual({ id, text: 12, b: 7 })
    table.moveColumn('b', { after: 'text' })
    expect(table.columns().map((column) => column.name)).toEqual(['text', 'b'])
    table.setColumnDefault('b', 8)
    expect(table.getCell(id, 'b')).toBe(8)
    table.removeColumn('b')
    expect(table.getRow(id)).toEqual({ id, text: 12 })
  })

  it('gives a re-added column a fresh id, so old values do not come back', () => {
    const table = createTable({ columns: [{ name: 'a', type: 'string' }] })
    const id = table.insertRow({ a: 'old' })
    table.removeColumn('a')
    const column = table.addColumn({ name: 'a', type: 'string' })
    expect(column.id).not.toBe('a')
    expect(table.getCell(id, 'a')).toBeNull()
  })
})

describe('table input checks', () => {
  const table = createTable({ columns })
  const id = table.insertRow({ title: 'a' })

  it.each([
    ['a wrong cell type', () => table.setCell(id, 'priority', '3'), 'SCHEMA_VIOLATION'],
    [
      'NaN in a number column',
      () => table.updateRow(id, { priority: Number.NaN }),
      'SCHEMA_VIOLATION',
    ],
    ['a bad date', () => table.updateRow(id, { due: 'yesterday' }), 'SCHEMA_VIOLATION'],
    [
      'a function in json',
      () => table.updateRow(id, { tags: { f: () => 1 } as never }),
      'SCHEMA_VIOLATION',
    ],
    [
      'S166: a "__proto__" key in json',
      () => table.updateRow(id, { tags: JSON.parse('{"a": {"__proto__": {"b": 1}}}') as never }),
      'SCHEMA_VIOLATION',
    ],
    ['an unknown column', () => table.insertRow({ titel: 'a' }), 'COLUMN_NOT_FOUND'],
    ['a missing row', () => table.updateRow('nope', { title: 'x' }), 'ROW_NOT_FOUND'],
    ['moving a missing row', () => table.moveRow('nope', { before: id }), 'ROW_NOT_FOUND'],
    ['moving before a missing row', () => table.moveRow(id, { before: 'nope' }), 'ROW_NOT_FOUND'],
    ['a move with no place', () => table.moveRow(id, {}), 'INVALID_ARGUMENT'],
    ['an empty row id', () => table.insertRow({}, { id: '' }), 'INVALID_ARGUMENT'],
    [
      'an unknown insert option',
      () => table.insertRow({}, { position: 1 } as never),
      'INVALID_ARGUMENT',
    ],
    ['an unknown createTable option', () => createTable({ rows: [] } as never), 'INVALID_ARGUMENT'],
    [
      'a reserved column name',
      () => table.addColumn({ name: 'id', type: 'string' }),
      'INVALID_ARGUMENT',
    ],
    [
      'a duplicate column name',
      () => table.addColumn({ name: 'title', type: 'string' }),
      'INVALID_ARGUMENT',
    ],
    [
      'an unknown column type',
      () => table.addColumn({ name: 'x', type: 'text' as never }),
      'INVALID_ARGUMENT',
    ],
    [
      'a default of the wrong type',
      () => table.addColumn({ name: 'x', type: 'number', default: 'a' }),
      'SCHEMA_VIOLATION',
    ],
    ['renaming a missing column', () => table.renameColumn('nope', 'x'), 'COLUMN_NOT_FOUND'],
  ])('rejects %s with a stable code', (_, run, code) => {
    expect(codeOf(run)).toBe(code)
  })

  it('says what was wrong and what to do', () => {
    expect(() => table.setCell(id, 'priority', '3')).toThrow(
      'setCell priority: column "priority" expects a finite number, got string "3"',
    )
    expect(() => table.insertRow({ titel: 'a' })).toThrow(
      /no column named "titel".*Add it with addColumn/,
    )
  })

  it('leaves the table unchanged when a write in a batch is rejected', () => {
    const before = table.toJSON()
    expect(codeOf(() => table.insertRows([{ title: 'ok' }, { priority: 'bad' }]))).toBe(
      'SCHEMA_VIOLATION',
    )
    expect(table.toJSON()).toEqual(before)
  })
})

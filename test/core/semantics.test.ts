// The merge rules of docs/semantics.md, one or more tests per rule, between replicas with fixed
// client ids: replica b (clientID 2) is the "greater client".
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { writeRawOverride } from '../helpers/raw-cells.js'
import { createTable, type TableChange } from '../../src/index.js'
import { createNetwork, rebuilt, snapshotOf, sync, twoReplicas } from '../helpers/replicas.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
]

describe('rows and cells', () => {
  it('S1: concurrent writes to different cells of one row both survive', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 'x', priority: 1 })
    sync(a, b)
    a.setCell(id, 'title', 'from a')
    b.setCell(id, 'priority', 2)
    sync(a, b)
    expect(a.getRow(id)).toEqual({ id, title: 'from a', priority: 2 })
    expect(b.getRow(id)).toEqual(a.getRow(id))
  })

  it('S2: concurrent writes to one cell resolve to the greater client on every replica', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 'x' })
    sync(a, b)
    b.setCell(id, 'title', 'from b')
    a.setCell(id, 'title', 'from a')
    sync(a, b)
    expect(a.getCell(id, 'title')).toBe('from b')
    expect(b.getCell(id, 'title')).toBe('from b')
  })

  it('S3: a delete beats a concurrent cell write and a concurrent move', () => {
    const [a, b] = twoReplicas({ columns })
    const [x, y] = a.insertRows([{ title: 'x' }, { title: 'y' }])
    sync(a, b)
    a.deleteRow(x!)
    b.setCell(x!, 'title', 'edited')
    b.moveRow(x!, { after: y! })
    sync(a, b)
    for (const table of [a, b]) {
      expect(table.getRow(x!)).toBeUndefined()
      expect(table.rowIds()).toEqual([y])
    }
  })

  it('S3: the discarded write does not resurrect the row when it arrives late', () => {
    const network = createNetwork(3, { columns })
    const [a, b, c] = network.tables as [
      ReturnType<typeof createTable>,
      ReturnType<typeof createTable>,
      ReturnType<typeof createTable>,
    ]
    const id = a.insertRow({ title: 'x' })
    network.deliverAll()
    b.setCell(id, 'title', 'edited')
    a.deleteRow(id)
    while (network.deliverOne(2));
    expect(c.hasRow(id)).toBe(false)
    network.deliverAll()
    expect([a, b, c].map((table) => table.size)).toEqual([0, 0, 0])
  })

  it('S4: concurrent creates of one id keep one creation whole, the greater client', () => {
    const [a, b] = twoReplicas({ columns })
    a.insertRow({ title: 'from a', priority: 1 }, { id: 'k' })
    a.setCell('k', 'priority', 5)
    b.insertRow({ title: 'from b' }, { id: 'k' })
    sync(a, b)
    expect(a.getRow('k')).toEqual({ id: 'k', title: 'from b', priority: 0 })
    expect(b.getRow('k')).toEqual(a.getRow('k'))
    expect(a.size).toBe(1)
  })

  it('S4: an insert with a known id is an upsert of the named cells', () => {
    const [a, b] = twoReplicas({ columns })
    a.insertRow({ title: 't', priority: 1 }, { id: 'k' })
    sync(a, b)
    b.insertRow({ priority: 2 }, { id: 'k' })
    sync(a, b)
    expect(a.getRow('k')).toEqual({ id: 'k', title: 't', priority: 2 })
  })

  it('S5: concurrent inserts at one place are all kept, ordered by id, same on every replica', () => {
    const [a, b] = twoReplicas({ columns })
    const [first, last] = a.insertRows([{ title: 'first' }, { title: 'last' }])
    sync(a, b)
    a.insertRow({ title: 'a1' }, { id: 'r-a', after: first! })
    b.insertRow({ title: 'b1' }, { id: 'r-b', after: first! })
    sync(a, b)
    expect(a.rowIds()).toEqual([first, 'r-a', 'r-b', last])
    expect(b.rowIds()).toEqual(a.rowIds())
    // Inserting between the tied rows re-spaces them instead of failing.
    a.insertRow({ title: 'mid' }, { id: 'r-mid', after: 'r-a' })
    sync(a, b)
    expect(b.rowIds()).toEqual([first, 'r-a', 'r-mid', 'r-b', last])
  })

  it('S5: concurrent moves of one row keep it once, at the greater client position', () => {
    const [a, b] = twoReplicas({ columns })
    const [x, y, z] = a.insertRows([{ title: 'x' }, { title: 'y' }, { title: 'z' }])
    sync(a, b)
    a.moveRow(x!, { after: y! })
    b.moveRow(x!, { after: z! })
    sync(a, b)
    expect(a.rowIds()).toEqual([y, z, x])
    expect(b.rowIds()).toEqual([y, z, x])
  })

  it('S6: a re-inserted id does not show the old life or its concurrent edits', () => {
    const [a, b] = twoReplicas({ columns })
    a.insertRow({ title: 'old', priority: 7 }, { id: 'k' })
    sync(a, b)
    b.setCell('k', 'title', 'edit of the old life')
    a.deleteRow('k')
    a.insertRow({}, { id: 'k' })
    sync(a, b)
    expect(a.getRow('k')).toEqual({ id: 'k', title: null, priority: 0 })
    expect(b.getRow('k')).toEqual(a.getRow('k'))
  })
})

describe('schema', () => {
  it('S10: a concurrent rename and retype of one column both apply', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: '42' })
    sync(a, b)
    a.renameColumn('title', 'answer')
    b.setColumnType('title', 'number')
    sync(a, b)
    expect(a.getRow(id)).toEqual({ id, answer: 42, priority: 0 })
    expect(b.getRow(id)).toEqual(a.getRow(id))
  })

  it('S11: concurrent adds of one column name give one column holding both replicas cells', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 't' })
    sync(a, b)
    a.addColumn({ name: 'owner', type: 'string' })
    a.setCell(id, 'owner', 'ann')
    b.addColumn({ name: 'owner', type: 'string' })
    const other = b.insertRow({ owner: 'bob' })
    sync(a, b)
    expect(a.columns().map((column) => column.name)).toEqual(['title', 'priority', 'owner'])
    expect(a.getCell(id, 'owner')).toBe('ann')
    expect(a.getCell(other, 'owner')).toBe('bob')
    expect(snapshotOf(b)).toEqual(snapshotOf(a))
  })

  it('S12: a removed column stays removed despite a concurrent rename or cell write', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 't', priority: 3 })
    sync(a, b)
    a.removeColumn('priority')
    b.renameColumn('priority', 'prio')
    b.setCell(id, 'prio', 9)
    sync(a, b)
    for (const table of [a, b]) expect(table.getRow(id)).toEqual({ id, title: 't' })
    a.addColumn({ name: 'priority', type: 'number' })
    expect(a.getCell(id, 'priority')).toBeNull()
  })

  it('S13: two columns with one name show the second as name~id', () => {
    const [a, b] = twoReplicas({ columns })
    a.renameColumn('priority', 'rank')
    b.addColumn({ name: 'rank', type: 'string' })
    sync(a, b)
    expect(a.columns().map((column) => column.name)).toEqual(['title', 'rank', 'rank~rank'])
    expect(b.columns()).toEqual(a.columns())
  })

  it('S14: cells never written read the current default, also in rows older than the column', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 't' })
    sync(a, b)
    b.addColumn({ name: 'size', type: 'number', default: 1 })
    sync(a, b)
    expect(a.getCell(id, 'size')).toBe(1)
    a.setColumnDefault('size', 2)
    a.setCell(a.insertRow({ size: 5 }), 'title', 'written')
    sync(a, b)
    expect(b.getCell(id, 'size')).toBe(2)
    expect(b.listRows().map((row) => row.size)).toEqual([2, 5])
  })
})

describe('values', () => {
  it('S15: a value of the wrong type from a foreign writer is read by lossless conversion or as null', () => {
    const table = createTable({
      columns: [
        { name: 'n', type: 'number' },
        { name: 's', type: 'string' },
        { name: 'b', type: 'boolean' },
        { name: 'd', type: 'date' },
      ],
    })
    const id = table.insertRow({})
    // A foreign writer bypasses the API's checks and writes raw values into the document.
    const write = (column: string, value: unknown) => {
      writeRawOverride(table.doc, id, column, value)
    }
    write('n', '12')
    write('s', 12)
    write('b', 'true')
    write('d', 0)
    expect(table.getRow(id)).toEqual({ id, n: 12, s: '12', b: true, d: '1970-01-01T00:00:00.000Z' })
    write('n', 'twelve')
    write('s', { an: 'object' })
    write('b', 1)
    write('d', 'soon')
    expect(table.getRow(id)).toEqual({ id, n: null, s: null, b: null, d: null })
  })

  it('S16: a cell written concurrently with a retype is read under the new type', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 't' })
    sync(a, b)
    a.setColumnType('priority', 'string')
    b.setCell(id, 'priority', 5)
    sync(a, b)
    expect(a.getCell(id, 'priority')).toBe('5')
    expect(b.getCell(id, 'priority')).toBe('5')
  })

  it('S16: a cell written concurrently with the removal of its column stays hidden', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 't' })
    sync(a, b)
    a.removeColumn('title')
    b.setCell(id, 'title', 'late')
    sync(a, b)
    expect(b.getRow(id)).toEqual({ id, priority: 0 })
  })
})

describe('transactions', () => {
  it('S17: one transaction gives one update and one change event on the receiving replica', () => {
    const [a, b] = twoReplicas({ columns })
    const updates: Uint8Array[] = []
    a.doc.on('update', (update: Uint8Array) => updates.push(update))
    const changes: TableChange[] = []
    b.on('change', (change) => changes.push(change))
    a.transact(() => {
      const ids = a.insertRows(Array.from({ length: 100 }, (_, index) => ({ title: `r${index}` })))
      a.setCell(ids[0]!, 'priority', 3)
      a.deleteRow(ids[1]!)
    })
    expect(updates).toHaveLength(1)
    Y.applyUpdate(b.doc, updates[0]!)
    expect(changes).toHaveLength(1)
    expect(changes[0]!.added.size).toBe(99)
  })

  it('S17: a merged concurrent write that loses (S2) gives no change event on the winning replica', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 'x' })
    sync(a, b)
    a.setCell(id, 'title', 'from a')
    b.setCell(id, 'title', 'from b')
    const changesOfA: TableChange[] = []
    const changesOfB: TableChange[] = []
    a.on('change', (change) => changesOfA.push(change))
    b.on('change', (change) => changesOfB.push(change))
    sync(a, b)
    expect(changesOfB).toEqual([])
    expect(changesOfA).toHaveLength(1)
    expect([...changesOfA[0]!.updated]).toEqual([[id, new Set([a.getColumn('title')!.id])]])
  })

  it('S18: applying updates twice and in any order gives the same table', () => {
    const [a] = twoReplicas({ columns })
    const updates: Uint8Array[] = []
    a.doc.on('update', (update: Uint8Array) => updates.push(update))
    const ids = a.insertRows([{ title: 'x' }, { title: 'y' }, { title: 'z' }])
    a.moveRow(ids[2]!, { before: ids[0]! })
    a.setCell(ids[1]!, 'priority', 4)
    a.deleteRow(ids[0]!)
    const reversed = createTable({ doc: new Y.Doc() })
    for (const update of [...updates].reverse()) Y.applyUpdate(reversed.doc, update)
    for (const update of updates) Y.applyUpdate(reversed.doc, update)
    Y.applyUpdate(reversed.doc, Y.encodeStateAsUpdate(a.doc))
    expect(snapshotOf(reversed)).toEqual(snapshotOf(a))
    expect(snapshotOf(rebuilt([a, reversed]))).toEqual(snapshotOf(a))
  })

  it('S29: a column stays visible with its last fields while a rename or retype waits for an earlier update', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 'x', priority: 5 })
    sync(a, b)
    const updates: Uint8Array[] = []
    a.doc.on('update', (update: Uint8Array) => updates.push(update))
    a.setColumnType('priority', 'string')
    a.renameColumn('priority', 'rank')
    a.moveColumn('rank', { before: 'title' })
    expect(updates).toHaveLength(3)
    const seen: string[][] = []
    b.on('change', () => seen.push(b.columns().map((column) => `${column.name}:${column.type}`)))
    // The later updates first: Yjs holds their insertions but applies their deletions.
    Y.applyUpdate(b.doc, updates[2]!)
    Y.applyUpdate(b.doc, updates[1]!)
    expect(b.columns().map((column) => `${column.name}:${column.type}`)).toEqual([
      'title:string',
      'priority:number',
    ])
    expect(b.getRow(id)).toEqual({ id, title: 'x', priority: 5 })
    Y.applyUpdate(b.doc, updates[0]!)
    expect(b.columns().map((column) => `${column.name}:${column.type}`)).toEqual([
      'rank:string',
      'title:string',
    ])
    expect(b.getRow(id)).toEqual({ id, title: 'x', rank: '5' })
    expect(snapshotOf(b)).toEqual(snapshotOf(a))
    expect(seen.every((names) => names.length === 2)).toBe(true)
  })
})

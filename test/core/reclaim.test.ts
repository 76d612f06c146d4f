// Dead overrides reclaimed (S129): overrides of a deleted or replaced row life, left by races
// (S3, S4, S6), are deleted; what every replica shows stays the same; unseen lives are kept.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, type Table, type TableChange } from '../../src/index.js'
import { tableMaps } from '../../src/layout.js'
import { deadOverrideKeys, reclaimDeadOverrides } from '../../src/reclaim.js'
import { rebuilt, snapshotOf, sync, twoReplicas } from '../helpers/replicas.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
]

const reclaim = (table: Table): number => reclaimDeadOverrides(tableMaps(table.doc), 'reclaim')
const keysOf = (table: Table) => ({
  cells: [...table.doc.getMap('cells').keys()],
  overrides: [...table.doc.getMap('o').keys()],
})

describe('reclaiming dead overrides', () => {
  it('S129: edits racing a delete and a re-create leave dead overrides, which are deleted without changing any replica', () => {
    const [a, b] = twoReplicas({ columns })
    const gone = a.insertRow({ title: 'gone' }, { id: 'gone' })
    const again = a.insertRow({ title: 'first life' }, { id: 'again' })
    const kept = a.insertRow({ title: 'kept' })
    sync(a, b)
    b.setCell(gone, 'n', 1)
    b.updateRow(again, { title: 'edited', n: 2 })
    b.moveRow(again, { before: gone })
    b.setCell(kept, 'n', 3)
    a.deleteRow(gone)
    a.deleteRow(again)
    a.insertRow({ title: 'second life' }, { id: 'again' })
    sync(a, b)
    expect(deadOverrideKeys(tableMaps(a.doc)).overrides).toHaveLength(4)
    const shown = snapshotOf(a)
    const changes: TableChange[] = []
    b.on('change', (change) => changes.push(change))
    expect(reclaim(a)).toBe(4)
    sync(a, b)
    expect(snapshotOf(a)).toEqual(shown)
    expect(snapshotOf(b)).toEqual(shown)
    expect(snapshotOf(rebuilt([a, b]))).toEqual(shown)
    expect(changes).toEqual([])
    expect(keysOf(b)).toEqual(keysOf(a))
    expect(a.getRow(kept)).toMatchObject({ n: 3 })
    expect(deadOverrideKeys(tableMaps(b.doc))).toEqual({ cells: [], overrides: [] })
    expect(reclaim(a)).toBe(0)
  })

  it('S129: the losing creation of a concurrent create of one id (S4) leaves its edits behind, and they are reclaimed', () => {
    const [a, b] = twoReplicas({ columns })
    a.insertRow({ title: 'by a' }, { id: 'same' })
    a.setCell('same', 'n', 1)
    b.insertRow({ title: 'by b' }, { id: 'same' })
    b.setCell('same', 'n', 2)
    sync(a, b)
    const shown = snapshotOf(a)
    expect(reclaim(b)).toBe(1)
    sync(a, b)
    expect(snapshotOf(a)).toEqual(shown)
    expect(a.getRow('same')).toEqual({ id: 'same', title: 'by b', n: 2 })
    expect(keysOf(a).overrides).toHaveLength(1)
  })

  it('S129: an override of a life whose insert has not arrived yet is kept', () => {
    const [a, b] = twoReplicas({ columns })
    const id = a.insertRow({ title: 'x' })
    sync(a, b)
    const vector = Y.encodeStateVector(b.doc)
    b.setCell(id, 'n', 5)
    // A third replica gets b's edit but not a's insert (a different path through the network).
    const c = createTable({ doc: new Y.Doc() })
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)))
    expect(Y.encodeStateVector(c.doc)).not.toEqual(vector)
    expect(reclaim(c)).toBe(0)
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(a.doc))
    expect(c.getRow(id)).toEqual({ id, title: 'x', n: 5 })
  })

  it('S129: dead overrides of data format 1 rows are reclaimed too', () => {
    const update = readFileSync(
      join(import.meta.dirname, '..', 'fixtures', 'format-1-table.update'),
    )
    const open = (): Table => {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, new Uint8Array(update))
      return createTable({ doc })
    }
    const a = open()
    const b = open()
    b.setCell('r1', 'amount', 9)
    b.moveRow('r1', { after: 'r4' })
    a.deleteRow('r1')
    sync(a, b)
    const shown = snapshotOf(a)
    const before = keysOf(a).cells.filter((key) => key.startsWith('r1\u0000'))
    expect(before.length).toBeGreaterThan(0)
    const changes: TableChange[] = []
    b.on('change', (change) => changes.push(change))
    expect(reclaim(a)).toBe(before.length)
    sync(a, b)
    expect(keysOf(b).cells.filter((key) => key.startsWith('r1\u0000'))).toEqual([])
    expect(snapshotOf(b)).toEqual(shown)
    expect(changes).toEqual([])
  })

  it('S129: a table whose rows churn keeps no override values of its dead rows', () => {
    const table = createTable({ columns })
    const other = createTable({ doc: new Y.Doc() })
    sync(table, other)
    const sizes: number[] = []
    for (let round = 0; round < 4; round++) {
      const ids = table.insertRows(Array.from({ length: 200 }, (_, n) => ({ title: `r${n}` })))
      sync(table, other)
      for (const id of ids) other.setCell(id, 'title', 'x'.repeat(200))
      table.deleteRows(ids)
      sync(table, other)
      reclaim(table)
      sync(table, other)
      sizes.push(Y.encodeStateAsUpdate(table.doc).byteLength)
    }
    expect(keysOf(table).overrides).toEqual([])
    expect(table.rowIds()).toEqual([])
    // Each round leaves only Yjs's tombstones (ids and keys, no values): far less than the
    // 40 KB of values it wrote.
    expect(sizes[3]! - sizes[2]!).toBeLessThan(10_000)
  })
})

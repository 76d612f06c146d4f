// Snapshots as the Store port carries them (src/snapshot.ts, S205): a tagged v2 update or a v1
// update, both applied by applySnapshot, with pending structs kept and nothing else mistaken.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applySnapshot, createTable } from '../../src/index.js'
import { encodeSnapshot, isV1Snapshot, snapshotTagOf } from '../../src/internal.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'points', type: 'number' as const, default: 0 },
]

/** A table with inserts, edits of every cell, moves and deletes. */
function churned(): ReturnType<typeof createTable> {
  const table = createTable({ columns })
  const ids = table.insertRows(
    Array.from({ length: 40 }, (_, n) => ({ title: `r${n}`, points: n })),
  )
  for (const id of ids) table.updateRow(id, { title: `${id}!`, points: 1 })
  table.moveRow(ids[3]!, { before: ids[0]! })
  table.deleteRows(ids.slice(10, 20))
  return table
}

describe('snapshots on the Store port', () => {
  it('S205: a table opens the same from its v2 snapshot and from its v1 update', () => {
    const table = churned()
    const snapshot = encodeSnapshot(table.doc)
    expect(snapshotTagOf(snapshot)).toBe(2)
    expect(isV1Snapshot(snapshot)).toBe(false)
    const v1 = Y.encodeStateAsUpdate(table.doc)
    expect(isV1Snapshot(v1)).toBe(true)
    for (const bytes of [snapshot, v1]) {
      const doc = new Y.Doc()
      applySnapshot(doc, bytes, 'origin')
      const copy = createTable({ doc })
      expect(copy.listRows()).toEqual(table.listRows())
      expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(table.doc))
    }
  })

  it('S205: a v2 snapshot keeps what Yjs holds pending, as a v1 encoding does', () => {
    const source = createTable({ columns })
    source.insertRows([{ id: 'a', title: 'a' }])
    const first = Y.encodeStateAsUpdate(source.doc)
    const before = Y.encodeStateVector(source.doc)
    source.insertRows([{ id: 'b', title: 'b' }])
    const second = Y.encodeStateAsUpdate(source.doc, before)
    // Only the second update: it waits in Yjs for the first.
    const waiting = new Y.Doc()
    Y.applyUpdate(waiting, second)
    const reloaded = new Y.Doc()
    applySnapshot(reloaded, encodeSnapshot(waiting))
    Y.applyUpdate(reloaded, first)
    expect(createTable({ doc: reloaded }).listRows()).toEqual(source.listRows())
  })

  it('S205: bytes that are not a tagged v2 snapshot are applied as a v1 update, and garbage throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const tagged = new Uint8Array([...new Uint8Array(8).fill(0xff), 1, ...bytes])
        expect(isV1Snapshot(tagged)).toBe(true)
        // Yjs refuses a varint of eight 0xff bytes, so the tag is never read as a v1 update.
        expect(() => {
          applySnapshot(new Y.Doc(), tagged)
        }).toThrow()
      }),
      { numRuns: 50 },
    )
  })
})

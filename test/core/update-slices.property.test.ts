// sliceUpdate (S175): the slices of a Yjs update, applied in order (each in its own
// transaction), give the same document as the update in one piece, for random documents written
// by several clients with map overwrites, deletions, arrays and text; only the last slice deletes.
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { sliceUpdate } from '../../src/internal.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 200)

type Edit =
  | { kind: 'set'; replica: number; key: number; value: string | number | number[] }
  | { kind: 'delete'; replica: number; key: number }
  | { kind: 'insert'; replica: number; index: number; text: string }
  | { kind: 'cut'; replica: number; index: number; length: number }
  | { kind: 'nested'; replica: number; key: number; value: number }
  | { kind: 'sync'; from: number; to: number }

const replica = fc.nat(3)
const key = fc.nat(12)
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    replica,
    key,
    value: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.integer(),
      fc.array(fc.nat(), { maxLength: 3 }),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), replica, key }),
  fc.record({
    kind: fc.constant('insert' as const),
    replica,
    index: fc.nat(40),
    text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), replica, index: fc.nat(40), length: fc.nat(5) }),
  fc.record({ kind: fc.constant('nested' as const), replica, key, value: fc.integer() }),
  fc.record({ kind: fc.constant('sync' as const), from: replica, to: replica }),
)

/** The four replicas after `edits`, and a doc merging them all. */
function play(edits: readonly Edit[], gc: boolean): { docs: Y.Doc[]; merged: Y.Doc } {
  const docs = [0, 1, 2, 3].map(() => new Y.Doc({ gc }))
  for (const e of edits) {
    if (e.kind === 'sync') {
      const [from, to] = [docs[e.from]!, docs[e.to]!]
      Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
      continue
    }
    const doc = docs[e.replica]!
    const rows = doc.getMap<unknown>('rows')
    const text = doc.getText('notes')
    if (e.kind === 'set') rows.set(String(e.key), e.value)
    else if (e.kind === 'delete') rows.delete(String(e.key))
    else if (e.kind === 'insert') text.insert(Math.min(e.index, text.length), e.text)
    else if (e.kind === 'cut') {
      const index = Math.min(e.index, text.length)
      text.delete(index, Math.min(e.length, text.length - index))
    } else {
      const inner = new Y.Map<number>()
      inner.set('v', e.value)
      doc.getArray<Y.Map<number>>('list').insert(0, [inner])
      if (e.key % 3 === 0) doc.getArray('list').delete(0, 1)
    }
  }
  const merged = new Y.Doc({ gc })
  for (const doc of docs) Y.applyUpdate(merged, Y.encodeStateAsUpdate(doc))
  return { docs, merged }
}

const contentOf = (doc: Y.Doc): unknown => ({
  rows: doc.getMap('rows').toJSON(),
  notes: doc.getText('notes').toJSON(),
  list: doc.getArray('list').toJSON(),
})

function expectSameDoc(actual: Y.Doc, expected: Y.Doc): void {
  expect(contentOf(actual)).toEqual(contentOf(expected))
  expect(Y.equalSnapshots(Y.snapshot(actual), Y.snapshot(expected))).toBe(true)
  expect(actual.store.pendingStructs).toBeNull()
  expect(actual.store.pendingDs).toBeNull()
}

describe('sliceUpdate', () => {
  test.prop([fc.array(edit, { maxLength: 60 }), fc.integer({ min: 1, max: 300 }), fc.boolean()], {
    numRuns,
  })(
    'S175: slices applied in order give the document of the whole update',
    (edits, maxBytes, gc) => {
      const source = play(edits, gc).merged
      const update = Y.encodeStateAsUpdate(source)
      const pieces = [...sliceUpdate(update, maxBytes)]
      const sliced = new Y.Doc({ gc })
      for (const piece of pieces) Y.applyUpdate(sliced, piece)
      expectSameDoc(sliced, source)
      if (update.byteLength <= maxBytes) expect(pieces).toEqual([update])
      // Before the last slice nothing is deleted: it carries the whole delete set alone.
      const before = new Y.Doc({ gc })
      for (const piece of pieces.slice(0, -1)) Y.applyUpdate(before, piece)
      if (pieces.length > 1)
        expect(Y.encodeStateVector(before)).toEqual(Y.encodeStateVector(source))
    },
  )

  test.prop([fc.array(edit, { maxLength: 40 }), fc.integer({ min: 1, max: 200 })], { numRuns })(
    'S175: a replica that has part of the document takes the slices of the rest',
    (edits, maxBytes) => {
      const { docs, merged: source } = play(edits, true)
      const half = docs[0]!
      const missing = Y.encodeStateAsUpdate(source, Y.encodeStateVector(half))
      for (const piece of sliceUpdate(missing, maxBytes)) Y.applyUpdate(half, piece)
      expectSameDoc(half, source)
    },
  )

  it('S175: bytes that are not an update come out whole, for Yjs to refuse', () => {
    const junk = new Uint8Array([5, 200, 1, 2, 3, 9, 9, 9])
    expect([...sliceUpdate(junk, 2)].at(-1)).toEqual(junk)
  })

  it('S175: a table-sized update is cut near the size asked for', () => {
    const doc = new Y.Doc()
    const rows = doc.getMap<unknown[]>('rows')
    doc.transact(() => {
      for (let i = 0; i < 5_000; i++) rows.set(`r${String(i)}`, ['shape', i, `a${String(i)}`, 'x'])
    })
    const update = Y.encodeStateAsUpdate(doc)
    const pieces = [...sliceUpdate(update, 16 * 1024)]
    const structs = pieces.slice(0, -1)
    expect(structs.length).toBeGreaterThan(update.byteLength / (16 * 1024) - 1)
    for (const piece of structs) expect(piece.byteLength).toBeLessThan(16 * 1024 + 200)
    const copy = new Y.Doc()
    for (const piece of pieces) Y.applyUpdate(copy, piece)
    expect(copy.getMap('rows').size).toBe(5_000)
  })
})

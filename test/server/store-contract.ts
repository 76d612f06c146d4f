// The Store contract (automerge-repo's runStorageAdapterTests pattern): every adapter runs it.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  applySnapshot,
  createTable,
  isTesseraError,
  type NewUpdate,
  type Store,
} from '../../src/index.js'
import { encodeSnapshot } from '../../src/internal.js'

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)

/** Compares large byte arrays without the element-by-element deep equality of `toEqual`. */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.byteLength === b.byteLength && a.every((value, index) => value === b[index])

/**
 * A table's listed snapshots without their sizes, which are what the store keeps (a store may
 * compress them, S185): each must be a positive whole number of bytes.
 */
async function snapshotsOf(store: Store, table: string): Promise<{ seq: number; atMs: number }[]> {
  return (await store.snapshots(table)).map(({ seq, atMs, byteLength }) => {
    expect(Number.isInteger(byteLength) && byteLength > 0).toBe(true)
    return { seq, atMs }
  })
}

/** Log entries with the given bytes, dated 1000, 1001, … unless `atMs` is given. */
const entries = (values: Uint8Array[], atMs = 1000, author: string | null = null): NewUpdate[] =>
  values.map((update, index) => ({ update, atMs: atMs + index, author }))

/** Runs the shared Store contract against `setup`, which returns a fresh, empty store. */
export function runStoreContract(name: string, setup: () => Promise<Store> | Store): void {
  describe(`Store contract: ${name}`, () => {
    it('loads a table never written as empty', async () => {
      const store = await setup()
      expect(await store.load('nothing')).toEqual({
        updates: [],
        seq: 0,
        updateBytes: 0,
        atMs: 0,
        generation: 0,
      })
      expect(await store.list()).toEqual([])
      expect(await store.snapshots('nothing')).toEqual([])
      expect(await store.readLog('nothing', 0, 10)).toEqual([])
      expect(await store.readSnapshot('nothing', 1)).toBeUndefined()
    })

    it('appends updates in order with growing sequence numbers', async () => {
      const store = await setup()
      expect(await store.append('a', entries([bytes(1), bytes(2, 2)]))).toBe(2)
      expect(await store.append('a', entries([bytes(3)], 2000))).toBe(3)
      expect(await store.append('b', entries([bytes(9)]))).toBe(1)
      const loaded = await store.load('a')
      expect(loaded.updates).toEqual([bytes(1), bytes(2, 2), bytes(3)])
      expect(loaded.seq).toBe(3)
      expect(loaded.updateBytes).toBe(4)
      expect(loaded.atMs).toBe(2000)
      expect(loaded.snapshot).toBeUndefined()
      expect(await store.list()).toEqual(['a', 'b'])
    })

    it('copies the bytes it is given', async () => {
      const store = await setup()
      const update = bytes(1, 2)
      await store.append('a', entries([update]))
      update[0] = 7
      expect((await store.load('a')).updates).toEqual([bytes(1, 2)])
    })

    it('S205: returns a snapshot in either update format exactly as given, and it opens', async () => {
      const store = await setup()
      const table = createTable({ columns: [{ name: 'title', type: 'string' }] })
      const ids = table.insertRows(Array.from({ length: 50 }, (_, n) => ({ title: `row ${n}` })))
      for (const id of ids) table.updateRow(id, { title: `${id} again` })
      const v1 = Y.encodeStateAsUpdate(table.doc)
      const v2 = encodeSnapshot(table.doc)
      await store.append('a', entries([v1, v1]))
      await store.compact('a', v1, 1, { atMs: 1000 })
      await store.compact('a', v2, 2, { atMs: 1001 })
      expect(sameBytes((await store.load('a')).snapshot!, v2)).toBe(true)
      expect(sameBytes((await store.readSnapshot('a', 1))!, v1)).toBe(true)
      for (const snapshot of [
        (await store.load('a')).snapshot!,
        (await store.readSnapshot('a', 1))!,
      ]) {
        const doc = new Y.Doc()
        applySnapshot(doc, snapshot)
        expect(createTable({ doc }).listRows()).toEqual(table.listRows())
      }
    })

    it('keeps each entry with its time and author, and reads the log in pages', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2)], 5000, 'ann'))
      await store.append('a', entries([bytes(3)], 6000, null))
      expect(await store.readLog('a', 0, 2)).toEqual([
        { seq: 1, atMs: 5000, author: 'ann', update: bytes(1) },
        { seq: 2, atMs: 5001, author: 'ann', update: bytes(2) },
      ])
      expect(await store.readLog('a', 2, 10)).toEqual([
        { seq: 3, atMs: 6000, author: null, update: bytes(3) },
      ])
      expect(await store.readLog('a', 3, 10)).toEqual([])
    })

    it('loads from the newest snapshot and keeps the log before it as history', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2), bytes(3)]))
      await store.compact('a', bytes(1, 2), 2, { atMs: 1001 })
      const loaded = await store.load('a')
      expect(loaded.snapshot).toEqual(bytes(1, 2))
      expect(loaded.updates).toEqual([bytes(3)])
      expect(loaded.seq).toBe(3)
      expect(loaded.atMs).toBe(1002)
      expect((await store.readLog('a', 0, 10)).map((entry) => entry.seq)).toEqual([1, 2, 3])
      expect(await snapshotsOf(store, 'a')).toEqual([{ seq: 2, atMs: 1001 }])
      expect(await store.readSnapshot('a', 2)).toEqual(bytes(1, 2))
      expect(await store.append('a', entries([bytes(4)]))).toBe(4)
    })

    it('keeps older snapshots unless a new one replaces them', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2), bytes(3), bytes(4)]))
      await store.compact('a', bytes(1), 1, { atMs: 1000 })
      await store.compact('a', bytes(2), 2, { atMs: 1001 })
      await store.compact('a', bytes(3), 3, { atMs: 1002, replaces: 2 })
      expect((await store.snapshots('a')).map((info) => info.seq)).toEqual([1, 3])
      expect(await store.readSnapshot('a', 2)).toBeUndefined()
      expect((await store.load('a')).snapshot).toEqual(bytes(3))
      await store.compact('a', bytes(3, 3), 3, { atMs: 1002 })
      expect(await store.readSnapshot('a', 3)).toEqual(bytes(3, 3))
      expect((await store.snapshots('a')).map((info) => info.seq)).toEqual([1, 3])
    })

    it('trims history before a snapshot, atomically, and only at a snapshot', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2), bytes(3), bytes(4)]))
      await store.compact('a', bytes(1), 1)
      await store.compact('a', bytes(3), 3)
      expect(await store.trim('a', 2)).toBe(false)
      expect(await store.readLog('a', 0, 10)).toHaveLength(4)
      expect(await store.trim('a', 3)).toBe(true)
      expect((await store.readLog('a', 0, 10)).map((entry) => entry.seq)).toEqual([4])
      expect((await store.snapshots('a')).map((info) => info.seq)).toEqual([3])
      expect(await store.load('a')).toMatchObject({ snapshot: bytes(3), updates: [bytes(4)] })
    })

    it('never reuses a sequence number after compacting and trimming everything', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2)]))
      await store.compact('a', bytes(9), 2, { atMs: 1001 })
      expect(await store.trim('a', 2)).toBe(true)
      expect(await store.load('a')).toEqual({
        snapshot: bytes(9),
        updates: [],
        seq: 2,
        updateBytes: 0,
        atMs: 1001,
        generation: 0,
      })
      expect(await store.append('a', entries([bytes(3)]))).toBe(3)
      expect(await store.list()).toEqual(['a'])
    })

    it('S91: loads only what followed a sequence number', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2), bytes(3)]))
      expect(await store.load('a', { afterSeq: 1 })).toEqual({
        updates: [bytes(2), bytes(3)],
        seq: 3,
        updateBytes: 2,
        atMs: 1002,
        generation: 0,
      })
      expect(await store.load('a', { afterSeq: 3 })).toMatchObject({ updates: [], seq: 3 })
      await store.compact('a', bytes(1, 2), 2, { atMs: 1001 })
      // The snapshot covers seq 2, which the caller lacks: it comes with what follows it.
      expect(await store.load('a', { afterSeq: 1 })).toMatchObject({
        snapshot: bytes(1, 2),
        updates: [bytes(3)],
        seq: 3,
        updateBytes: 1,
      })
      const after2 = await store.load('a', { afterSeq: 2 })
      expect(after2).toMatchObject({ updates: [bytes(3)], seq: 3, updateBytes: 1 })
      expect(after2.snapshot).toBeUndefined()
      // Trimmed up to the snapshot: a caller behind it gets the snapshot instead of the lost log.
      expect(await store.trim('a', 2)).toBe(true)
      expect(await store.load('a', { afterSeq: 1 })).toMatchObject({
        snapshot: bytes(1, 2),
        updates: [bytes(3)],
      })
      expect(await store.load('b', { afterSeq: 5 })).toMatchObject({ updates: [], seq: 5 })
    })

    it('S92: replaces only an older snapshot, so the newest always holds every update up to it', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2), bytes(3)]))
      await store.compact('a', bytes(1, 2, 3), 3)
      // A node that lags compacts at 2 and names the newest as the one it supersedes.
      await store.compact('a', bytes(1, 2), 2, { replaces: 3 })
      expect((await store.snapshots('a')).map((info) => info.seq)).toEqual([2, 3])
      expect(await store.load('a')).toMatchObject({ snapshot: bytes(1, 2, 3), updates: [] })
    })

    it('keeps times of today to the millisecond, any author text, and every byte value', async () => {
      const store = await setup()
      const atMs = Date.UTC(2026, 11, 6, 9, 30, 15, 123)
      const large = new Uint8Array(100_000).map((_, index) => index % 256)
      await store.append('a', [
        { update: large, atMs, author: 'zoë / 山田 "x"' },
        { update: bytes(0, 255), atMs: atMs + 1, author: '' },
      ])
      const log = await store.readLog('a', 0, 10)
      expect(log.map(({ seq, atMs: at, author }) => ({ seq, at, author }))).toEqual([
        { seq: 1, at: atMs, author: 'zoë / 山田 "x"' },
        { seq: 2, at: atMs + 1, author: '' },
      ])
      expect(sameBytes(log[0]!.update, large)).toBe(true)
      expect((await store.load('a')).atMs).toBe(atMs + 1)
      await store.compact('a', large, 1, { atMs })
      expect(await snapshotsOf(store, 'a')).toEqual([{ seq: 1, atMs }])
      expect(sameBytes((await store.readSnapshot('a', 1))!, large)).toBe(true)
    })

    it('appends nothing for an empty list, and reads no entry for limit 0', async () => {
      const store = await setup()
      expect(await store.append('a', [])).toBe(0)
      expect(await store.list()).toEqual([])
      await store.append('a', entries([bytes(1)]))
      expect(await store.append('a', [])).toBe(1)
      expect(await store.readLog('a', 0, 0)).toEqual([])
      expect(await store.readLog('a', 5, 10)).toEqual([])
    })

    it('gives concurrent appends to one table distinct sequence numbers with no gap', async () => {
      const store = await setup()
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          store.append('a', entries([bytes(index), bytes(index, 0)], 1000 + index)),
        ),
      )
      expect(new Set(results).size).toBe(20)
      const log = await store.readLog('a', 0, 100)
      expect(log.map((entry) => entry.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
      // Each append's two entries are adjacent: an append is one atomic step.
      for (const last of results) {
        expect(log[last - 1]!.update).toHaveLength(2)
        expect(log[last - 2]!.update).toEqual(log[last - 1]!.update.slice(0, 1))
      }
    })

    it('loads from the snapshot with the greatest seq, whatever order they were written in', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2), bytes(3), bytes(4)]))
      await store.compact('a', bytes(3), 3, { atMs: 1002 })
      await store.compact('a', bytes(1), 1, { atMs: 1000 })
      expect(await store.load('a')).toEqual({
        snapshot: bytes(3),
        updates: [bytes(4)],
        seq: 4,
        updateBytes: 1,
        atMs: 1003,
        generation: 0,
      })
      expect(await snapshotsOf(store, 'a')).toEqual([
        { seq: 1, atMs: 1000 },
        { seq: 3, atMs: 1002 },
      ])
      await store.compact('a', bytes(4), 4, { replaces: 99 })
      expect((await store.snapshots('a')).map((info) => [info.seq, info.atMs])).toEqual([
        [1, 1000],
        [3, 1002],
        [4, 0],
      ])
    })

    it('trims only what is before the snapshot: newer snapshots and later entries stay', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2), bytes(3), bytes(4)]))
      await store.compact('a', bytes(1), 1)
      await store.compact('a', bytes(2), 2)
      await store.compact('a', bytes(3), 3)
      expect(await store.trim('b', 1)).toBe(false)
      expect(await store.trim('a', 2)).toBe(true)
      expect((await store.snapshots('a')).map((info) => info.seq)).toEqual([2, 3])
      expect(await store.readSnapshot('a', 1)).toBeUndefined()
      expect((await store.readLog('a', 0, 10)).map((entry) => entry.seq)).toEqual([3, 4])
      expect(await store.trim('a', 2)).toBe(true)
      expect((await store.readLog('a', 0, 10)).map((entry) => entry.seq)).toEqual([3, 4])
    })

    it('starts a deleted table again from sequence number 1', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1), bytes(2)]))
      await store.compact('a', bytes(1, 2), 2)
      expect(await store.delete('a')).toBe(true)
      expect(await store.load('a')).toEqual({
        updates: [],
        seq: 0,
        updateBytes: 0,
        atMs: 0,
        generation: 1,
      })
      expect(await store.append('a', entries([bytes(7)], 3000))).toBe(1)
      expect(await store.readLog('a', 0, 10)).toEqual([
        { seq: 1, atMs: 3000, author: null, update: bytes(7) },
      ])
    })

    it('keeps tables apart and deletes one', async () => {
      const store = await setup()
      await store.append('a', entries([bytes(1)]))
      await store.compact('a', bytes(1), 1)
      await store.append('b', entries([bytes(2)]))
      expect(await store.delete('a')).toBe(true)
      expect(await store.delete('a')).toBe(false)
      expect((await store.load('a')).updates).toEqual([])
      expect(await store.snapshots('a')).toEqual([])
      expect((await store.load('b')).updates).toEqual([bytes(2)])
      expect(await store.list()).toEqual(['b'])
    })

    it('accepts any table name and empty updates', async () => {
      const store = await setup()
      const name = 'spaces / slashes ✓ \u00e9'
      await store.append(name, entries([bytes()]))
      expect((await store.load(name)).updates).toEqual([bytes()])
      expect(await store.list()).toEqual([name])
    })

    it('rejects with CLOSED after close', async () => {
      const store = await setup()
      await store.close()
      await store.close()
      const error: unknown = await store.load('a').catch((caught: unknown) => caught)
      expect(isTesseraError(error, 'CLOSED')).toBe(true)
      await expect(store.append('a', entries([bytes(1)]))).rejects.toThrow(/closed/)
      await expect(store.readLog('a', 0, 1)).rejects.toThrow(/closed/)
    })
  })
}

// The Store contract (automerge-repo's runStorageAdapterTests pattern): every adapter runs it.
import { describe, expect, it } from 'vitest'
import { isTesseraError, type Store } from '../../src/index.js'

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)

/** Runs the shared Store contract against `setup`, which returns a fresh, empty store. */
export function runStoreContract(name: string, setup: () => Promise<Store> | Store): void {
  describe(`Store contract: ${name}`, () => {
    it('loads a table never written as empty', async () => {
      const store = await setup()
      expect(await store.load('nothing')).toEqual({ updates: [], seq: 0, updateBytes: 0 })
      expect(await store.list()).toEqual([])
    })

    it('appends updates in order with growing sequence numbers', async () => {
      const store = await setup()
      expect(await store.append('a', [bytes(1), bytes(2, 2)])).toBe(2)
      expect(await store.append('a', [bytes(3)])).toBe(3)
      expect(await store.append('b', [bytes(9)])).toBe(1)
      const loaded = await store.load('a')
      expect(loaded.updates).toEqual([bytes(1), bytes(2, 2), bytes(3)])
      expect(loaded.seq).toBe(3)
      expect(loaded.updateBytes).toBe(4)
      expect(loaded.snapshot).toBeUndefined()
      expect(await store.list()).toEqual(['a', 'b'])
    })

    it('copies the bytes it is given', async () => {
      const store = await setup()
      const update = bytes(1, 2)
      await store.append('a', [update])
      update[0] = 7
      expect((await store.load('a')).updates).toEqual([bytes(1, 2)])
    })

    it('compacts the log up to a sequence number and keeps later updates', async () => {
      const store = await setup()
      await store.append('a', [bytes(1), bytes(2), bytes(3)])
      await store.compact('a', bytes(1, 2), 2)
      const loaded = await store.load('a')
      expect(loaded.snapshot).toEqual(bytes(1, 2))
      expect(loaded.updates).toEqual([bytes(3)])
      expect(loaded.seq).toBe(3)
      expect(await store.append('a', [bytes(4)])).toBe(4)
    })

    it('never reuses a sequence number after compacting everything', async () => {
      const store = await setup()
      await store.append('a', [bytes(1), bytes(2)])
      await store.compact('a', bytes(9), 2)
      expect(await store.load('a')).toEqual({
        snapshot: bytes(9),
        updates: [],
        seq: 2,
        updateBytes: 0,
      })
      expect(await store.append('a', [bytes(3)])).toBe(3)
      expect(await store.list()).toEqual(['a'])
    })

    it('loads only what followed a sequence number', async () => {
      const store = await setup()
      await store.append('a', [bytes(1), bytes(2), bytes(3)])
      expect(await store.load('a', { afterSeq: 1 })).toEqual({
        updates: [bytes(2), bytes(3)],
        seq: 3,
        updateBytes: 2,
      })
      expect(await store.load('a', { afterSeq: 3 })).toEqual({
        updates: [],
        seq: 3,
        updateBytes: 0,
      })
      await store.compact('a', bytes(1, 2), 2)
      // The snapshot covers seq 2, which the caller lacks: it comes with what follows it.
      expect(await store.load('a', { afterSeq: 1 })).toEqual({
        snapshot: bytes(1, 2),
        updates: [bytes(3)],
        seq: 3,
        updateBytes: 1,
      })
      expect(await store.load('a', { afterSeq: 2 })).toEqual({
        updates: [bytes(3)],
        seq: 3,
        updateBytes: 1,
      })
      expect(await store.load('b', { afterSeq: 5 })).toEqual({
        updates: [],
        seq: 5,
        updateBytes: 0,
      })
    })

    it('S92: never replaces a snapshot with one of a lower sequence number', async () => {
      const store = await setup()
      await store.append('a', [bytes(1), bytes(2), bytes(3)])
      await store.compact('a', bytes(1, 2, 3), 3)
      await store.compact('a', bytes(1, 2), 2)
      expect(await store.load('a')).toEqual({
        snapshot: bytes(1, 2, 3),
        updates: [],
        seq: 3,
        updateBytes: 0,
      })
    })

    it('keeps tables apart and deletes one', async () => {
      const store = await setup()
      await store.append('a', [bytes(1)])
      await store.append('b', [bytes(2)])
      expect(await store.delete('a')).toBe(true)
      expect(await store.delete('a')).toBe(false)
      expect((await store.load('a')).updates).toEqual([])
      expect((await store.load('b')).updates).toEqual([bytes(2)])
      expect(await store.list()).toEqual(['b'])
    })

    it('accepts any table name and empty updates', async () => {
      const store = await setup()
      const name = 'spaces / slashes ✓ \u00e9'
      await store.append(name, [bytes()])
      expect((await store.load(name)).updates).toEqual([bytes()])
      expect(await store.list()).toEqual([name])
    })

    it('rejects with CLOSED after close', async () => {
      const store = await setup()
      await store.close()
      await store.close()
      const error: unknown = await store.load('a').catch((caught: unknown) => caught)
      expect(isTesseraError(error, 'CLOSED')).toBe(true)
      await expect(store.append('a', [bytes(1)])).rejects.toThrow(/closed/)
    })
  })
}

// S210 for every store several servers may share (memory, SQLite, PostgreSQL): a deletion raises
// the table's generation, and a write made for an older one stores nothing.
import { describe, expect, it } from 'vitest'
import { isTesseraError, type NewUpdate, type Store } from '../../src/index.js'

const entry = (value: number): NewUpdate[] => [
  { update: new Uint8Array([value]), atMs: 1000 + value, author: null },
]

/** The code a promise rejects with, or 'resolved'. */
const outcome = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isTesseraError(error) ? error.code : String(error)),
  )

/** Runs the generation contract against `setup`, which returns a fresh, empty store. */
export function runGenerationContract(name: string, setup: () => Promise<Store> | Store): void {
  describe(`Store generations (S210): ${name}`, () => {
    it('S210: a deletion raises the generation; a new table and a table never deleted are 0', async () => {
      const store = await setup()
      expect((await store.load('a')).generation).toBe(0)
      await store.append('a', entry(1), { generation: 0 })
      expect((await store.load('a')).generation).toBe(0)
      expect(await store.delete('a')).toBe(true)
      expect((await store.load('a')).generation).toBe(1)
      // A deletion of nothing still ends whatever was loaded before it.
      expect(await store.delete('a')).toBe(false)
      expect((await store.load('a')).generation).toBe(2)
      expect(await store.list()).toEqual([])
      expect(await store.append('a', entry(2), { generation: 2 })).toBe(1)
      expect(await store.list()).toEqual(['a'])
    })

    it('S235: a deletion keeps the bytes it is given until the next deletion replaces them', async () => {
      const store = await setup()
      await store.append('a', entry(1))
      expect((await store.load('a')).deletedState).toBeUndefined()
      await store.delete('a', { deletedState: new Uint8Array([1, 2, 3]) })
      expect(await store.load('a')).toMatchObject({
        deletedState: new Uint8Array([1, 2, 3]),
        generation: 1,
      })
      // Kept while the new table is written, not listed as a table of its own.
      await store.append('a', entry(2), { generation: 1 })
      expect((await store.load('a', { afterSeq: 0 })).deletedState).toEqual(
        new Uint8Array([1, 2, 3]),
      )
      expect((await store.load('b')).deletedState).toBeUndefined()
      await store.delete('a', { deletedState: new Uint8Array([4]) })
      expect((await store.load('a')).deletedState).toEqual(new Uint8Array([4]))
      await store.delete('a')
      expect((await store.load('a')).deletedState).toBeUndefined()
      expect(await store.list()).toEqual([])
    })

    it('S210: an append or compaction for a deleted generation stores nothing and rejects with TABLE_NOT_FOUND', async () => {
      const store = await setup()
      await store.append('a', entry(1))
      const { generation } = await store.load('a')
      await store.append('b', entry(9))
      await store.delete('a')
      const append = await outcome(store.append('a', entry(2), { generation: generation! }))
      expect(append).toBe('TABLE_NOT_FOUND')
      const compact = outcome(
        store.compact('a', new Uint8Array([1, 2]), 2, { generation: generation! }),
      )
      expect(await compact).toBe('TABLE_NOT_FOUND')
      expect(await store.load('a')).toMatchObject({ updates: [], seq: 0 })
      expect(await store.snapshots('a')).toEqual([])
      expect(await store.list()).toEqual(['b'])
      // Without a generation (tools, copies) nothing is checked; another table is not touched.
      expect(await store.append('a', entry(3))).toBe(1)
      expect(await store.append('b', entry(10), { generation: 0 })).toBe(2)
    })

    it('S210: appends racing a deletion are either deleted with the table or refused', async () => {
      const store = await setup()
      await store.append('a', entry(0), { generation: 0 })
      const appends = Array.from({ length: 20 }, (_, index) =>
        outcome(store.append('a', entry(index + 1), { generation: 0 })),
      )
      const deletion = store.delete('a')
      const results = await Promise.all(appends)
      expect(await deletion).toBe(true)
      expect(results.every((result) => result === 'resolved' || result === 'TABLE_NOT_FOUND')).toBe(
        true,
      )
      // Whatever order they ran in, nothing of the old life is left.
      expect(await store.load('a')).toMatchObject({ updates: [], seq: 0, generation: 1 })
      expect(await store.list()).toEqual([])
    })
  })
}

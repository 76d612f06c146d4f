// S250 for every pair of stores copyStore moves between (SQLite and PostgreSQL, either way): a
// table's generation and what its last deletion kept reach the target, also for a table deleted
// and never written again, and a target that deleted such a table already is refused.
import { describe, expect, it } from 'vitest'
import { isTesseraError, type NewUpdate, type Store } from '../../src/index.js'
import { copyStore } from '../../server/copy-store.js'

const entry = (value: number): NewUpdate[] => [
  { update: new Uint8Array([0, 0]), atMs: 1000 + value, author: `u${value}` },
]

/** What a store keeps of a table's deletions and content. */
const stateOf = async (store: Store, table: string) => {
  const { generation, deletedState, seq } = await store.load(table)
  const log = await store.readLog(table, 0, 100)
  return { generation, deletedState, seq, log: log.map(({ seq: at, author }) => [at, author]) }
}

/**
 * Runs the contract: `setup()` returns a fresh, empty pair of stores (`from`, `to`) of the kinds
 * under test, each of which keeps generations.
 */
export function runCopyDeletionsContract(
  name: string,
  setup: () => Promise<{ from: Store; to: Store }>,
): void {
  describe(`copyStore and deletions (S250): ${name}`, () => {
    it("S250: a table's generation and its last deletion's bytes reach the target, also for a table deleted and never written again", async () => {
      const { from, to } = await setup()
      await from.append('gone', entry(1))
      await from.delete('gone', { deletedState: new Uint8Array([1]) })
      await from.delete('gone', { deletedState: new Uint8Array([2, 3]) })
      await from.append('again', entry(2))
      await from.delete('again', { deletedState: new Uint8Array([4]) })
      await from.append('again', entry(3), { generation: 1 })
      await from.append('again', entry(4), { generation: 1 })
      await from.append('never', entry(5))

      expect(await copyStore(from, to)).toEqual(['again', 'never'])
      for (const table of ['gone', 'again', 'never'])
        expect(await stateOf(to, table)).toEqual(await stateOf(from, table))
      expect(await stateOf(to, 'gone')).toMatchObject({
        generation: 2,
        deletedState: new Uint8Array([2, 3]),
        seq: 0,
      })
      expect(await stateOf(to, 'again')).toMatchObject({ generation: 1, seq: 2 })
      expect(await to.list()).toEqual(['again', 'never'])
      // S210: a node that loaded the table's old life is refused by the target too.
      const refused = await to
        .append('again', entry(6), { generation: 0 })
        .catch((caught: unknown) => caught)
      expect(isTesseraError(refused, 'TABLE_NOT_FOUND')).toBe(true)
      expect(await to.append('again', entry(7), { generation: 1 })).toBe(3)
    })

    it('S250: a target that deleted one of the deleted tables already is refused before anything is copied', async () => {
      const { from, to } = await setup()
      await from.append('kept', entry(1))
      await from.append('gone', entry(2))
      await from.delete('gone', { deletedState: new Uint8Array([1]) })
      await to.delete('gone')
      const error: unknown = await copyStore(from, to).catch((caught: unknown) => caught)
      expect(isTesseraError(error, 'INVALID_ARGUMENT')).toBe(true)
      expect(String(error)).toContain('already holds deletions of table "gone"')
      expect(await to.list()).toEqual([])
      expect(await stateOf(to, 'gone')).toMatchObject({ generation: 1 })
    })
  })
}

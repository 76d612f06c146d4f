// The SQLite store remembers each table's newest seq between appends (sqlite-store-steps.ts)
// instead of reading it every turn: what it remembers must never outlive the file's truth, when
// another connection appends to the same file, when a turn is rolled back and run again step by
// step, and when the table is deleted.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSqlite } from '../../server/adapters/sqlite-database.js'
import { createSqliteStore, createSqliteStoreOn } from '../../server/adapters/sqlite-store.js'
import { tempDir } from '../helpers/temp-dir.js'

const entry = (n: number) => ({ update: new Uint8Array([0, n]), atMs: n, author: null })

describe("the store's newest seq per table", () => {
  it('follows appends made through another connection to the same file', async () => {
    const path = join(tempDir(), 'two.db')
    const first = createSqliteStore({ path, synchronous: 'normal' })
    const second = createSqliteStore({ path, synchronous: 'normal' })
    const seqs: number[] = []
    for (let round = 0; round < 3; round++) {
      seqs.push(await first.append('a', [entry(1), entry(2)]))
      seqs.push(await second.append('a', [entry(3)]))
    }
    expect(seqs).toEqual([2, 3, 5, 6, 8, 9])
    const log = await first.readLog('a', 0, 100)
    expect(log.map((logged) => logged.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    await first.close()
    await second.close()
  })

  it('is forgotten when a turn rolls back, so a step run again numbers from the file', async () => {
    const path = join(tempDir(), 'rollback.db')
    const database = openSqlite({ path, synchronous: 'normal', schema: '' })
    const store = createSqliteStoreOn(database, { path })
    expect(await store.append('a', [entry(1)])).toBe(1)
    // The failing step makes the whole turn roll back and run again, each step alone.
    const [appended, failed] = await Promise.allSettled([
      store.append('a', [entry(2), entry(3)]),
      database.runInTurn('fail', () => {
        throw new Error('a failing step')
      }),
    ])
    expect(appended).toEqual({ status: 'fulfilled', value: 3 })
    expect(failed.status).toBe('rejected')
    expect(await store.append('a', [entry(4)])).toBe(4)
    const log = await store.readLog('a', 0, 100)
    expect(log.map((logged) => [logged.seq, logged.atMs])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ])
    await store.close()
    await database.close()
  })

  it('starts again after the table is deleted, and goes on after a compaction and a trim', async () => {
    const store = createSqliteStore({ path: join(tempDir(), 'deleted.db'), synchronous: 'normal' })
    expect(await store.append('a', [entry(1), entry(2)])).toBe(2)
    await store.compact('a', new Uint8Array([0, 0]), 2, { atMs: 2 })
    expect(await store.trim('a', 2)).toBe(true)
    expect(await store.append('a', [entry(3)])).toBe(3)
    expect(await store.delete('a')).toBe(true)
    expect(await store.append('a', [entry(4)])).toBe(1)
    expect((await store.readLog('a', 0, 100)).map((logged) => logged.atMs)).toEqual([4])
    await store.close()
  })
})

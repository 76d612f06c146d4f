import { join } from 'node:path'
import { onTestFinished, expect, it } from 'vitest'
import { createMemoryStore, isTesseraError } from '../../src/index.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { copyStore } from '../../server/copy-store.js'
import { tempDir } from '../helpers/temp-dir.js'
import { runStoreContract } from './store-contract.js'

runStoreContract('memory', () => createMemoryStore())

runStoreContract('SQLite', () => {
  const store = createSqliteStore({ path: join(tempDir(), 'nested', 'tessera.db') })
  onTestFinished(() => store.close())
  return store
})

it('SQLite keeps every table across reopening the file', async () => {
  const path = join(tempDir(), 'tessera.db')
  const first = createSqliteStore({ path })
  await first.append('a', [new Uint8Array([1]), new Uint8Array([2])])
  await first.compact('a', new Uint8Array([1, 2]), 1)
  await first.close()
  const second = createSqliteStore({ path, synchronous: 'normal' })
  onTestFinished(() => second.close())
  expect(await second.load('a')).toEqual({
    snapshot: new Uint8Array([1, 2]),
    updates: [new Uint8Array([2])],
    seq: 2,
    updateBytes: 1,
  })
})

it('SQLite reports a file that is not a database as STORAGE_FAILURE', () => {
  const dir = tempDir()
  let caught: unknown
  try {
    createSqliteStore({ path: dir })
  } catch (error) {
    caught = error
  }
  expect(isTesseraError(caught, 'STORAGE_FAILURE')).toBe(true)
})

it('copyStore copies every table into an empty store and refuses one that holds them', async () => {
  const from = createMemoryStore()
  const to = createMemoryStore()
  await from.append('a', [new Uint8Array([0, 0])])
  expect(await copyStore(from, to)).toEqual(['a'])
  expect((await to.load('a')).updates).toHaveLength(1)
  const error: unknown = await copyStore(from, to).catch((caught: unknown) => caught)
  expect(isTesseraError(error, 'INVALID_ARGUMENT')).toBe(true)
})

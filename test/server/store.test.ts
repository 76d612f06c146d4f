import { join } from 'node:path'
import { onTestFinished, expect, it } from 'vitest'
import { createMemoryStore, isTesseraError } from '../../src/index.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
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

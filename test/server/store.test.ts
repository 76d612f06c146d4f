import { join } from 'node:path'
import Database from 'better-sqlite3'
import { onTestFinished, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applySnapshot, createMemoryStore, isTesseraError } from '../../src/index.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { copyStore } from '../../server/copy-store.js'
import { tempDir } from '../helpers/temp-dir.js'
import { runStoreContract } from './store-contract.js'
import { runGenerationContract } from './store-generation-contract.js'

runStoreContract('memory', () => createMemoryStore())
runGenerationContract('memory', () => createMemoryStore())

runStoreContract('SQLite', () => {
  const store = createSqliteStore({ path: join(tempDir(), 'nested', 'tessera.db') })
  onTestFinished(() => store.close())
  return store
})

runGenerationContract('SQLite', () => {
  const store = createSqliteStore({ path: join(tempDir(), 'tessera.db') })
  onTestFinished(() => store.close())
  return store
})

it('SQLite keeps every table across reopening the file', async () => {
  const path = join(tempDir(), 'tessera.db')
  const first = createSqliteStore({ path })
  await first.append('a', [
    { update: new Uint8Array([1]), atMs: 10, author: 'ann' },
    { update: new Uint8Array([2]), atMs: 20, author: null },
  ])
  await first.compact('a', new Uint8Array([1, 2]), 1, { atMs: 10 })
  await first.close()
  const second = createSqliteStore({ path, synchronous: 'normal' })
  onTestFinished(() => second.close())
  expect(await second.load('a')).toEqual({
    snapshot: new Uint8Array([1, 2]),
    updates: [new Uint8Array([2])],
    seq: 2,
    updateBytes: 1,
    atMs: 20,
    generation: 0,
  })
  expect((await second.readLog('a', 0, 10)).map((entry) => entry.author)).toEqual(['ann', null])
})

it('SQLite upgrades a file of storage layout 1 (before history) once, keeping its data', async () => {
  const path = join(tempDir(), 'tessera.db')
  const old = new Database(path)
  old.exec(`
    CREATE TABLE updates (table_name TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
      PRIMARY KEY (table_name, seq)) WITHOUT ROWID;
    CREATE TABLE snapshots (table_name TEXT PRIMARY KEY, seq INTEGER NOT NULL, data BLOB NOT NULL);
    INSERT INTO snapshots VALUES ('a', 2, x'0102');
    INSERT INTO updates VALUES ('a', 3, x'03'), ('b', 1, x'09');
  `)
  old.close()
  const before = Date.now()
  const store = createSqliteStore({ path })
  onTestFinished(() => store.close())
  const loaded = await store.load('a')
  expect(loaded).toMatchObject({ snapshot: new Uint8Array([1, 2]), updates: [new Uint8Array([3])] })
  expect(loaded.seq).toBe(3)
  expect(loaded.atMs).toBeGreaterThanOrEqual(before)
  expect(await store.readLog('b', 0, 10)).toEqual([
    { seq: 1, atMs: loaded.atMs, author: null, update: new Uint8Array([9]) },
  ])
  expect(await store.append('a', [{ update: new Uint8Array([4]), atMs: 1, author: null }])).toBe(4)
  expect(await store.list()).toEqual(['a', 'b'])
})

it('SQLite refuses a file written by a newer storage layout', () => {
  const path = join(tempDir(), 'tessera.db')
  const newer = new Database(path)
  newer.pragma('user_version = 99')
  newer.close()
  let caught: unknown
  try {
    createSqliteStore({ path })
  } catch (error) {
    caught = error
  }
  expect(isTesseraError(caught, 'STORAGE_FAILURE')).toBe(true)
  expect(String(caught)).toMatch(/newer tessera.*upgrade tessera/)
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

it('copyStore copies every table, its history included, into an empty store and refuses one that holds them', async () => {
  const from = createMemoryStore()
  const to = createMemoryStore()
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  for (const [index, author] of ['ann', 'bob', null].entries()) {
    doc.getMap('m').set(`k${index}`, index)
    await from.append('a', [{ update: updates.at(-1)!, atMs: 1000 + index, author }])
    if (index === 1) await from.compact('a', Y.encodeStateAsUpdate(doc), 2, { atMs: 1001 })
  }
  expect(await copyStore(from, to)).toEqual(['a'])
  expect(await to.readLog('a', 0, 10)).toEqual(await from.readLog('a', 0, 10))
  expect((await to.snapshots('a')).map((info) => info.seq)).toContain(2)
  const copy = new Y.Doc()
  const stored = await to.load('a')
  if (stored.snapshot !== undefined) applySnapshot(copy, stored.snapshot)
  for (const update of stored.updates) Y.applyUpdate(copy, update)
  expect(copy.getMap('m').toJSON()).toEqual({ k0: 0, k1: 1, k2: 2 })
  const error: unknown = await copyStore(from, to).catch((caught: unknown) => caught)
  expect(isTesseraError(error, 'INVALID_ARGUMENT')).toBe(true)
})

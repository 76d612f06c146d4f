// S250 without PostgreSQL: copyStore between SQLite files moves what deletions left, so a server
// on the copy refuses an old replica's copy of a deleted table as the original did (S235); a
// target store that keeps no deletions is refused.
import { join } from 'node:path'
import { expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import { createMemoryStore, isTesseraError, type Store } from '../../src/index.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { copyStore } from '../../server/copy-store.js'
import { copyThenDelete } from '../helpers/deleted-table.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { runCopyDeletionsContract } from './copy-deletions-contract.js'

const sqlite = (path = join(tempDir(), 'tessera.db')): Store => {
  const store = createSqliteStore({ path })
  onTestFinished(() => store.close())
  return store
}

runCopyDeletionsContract('SQLite to SQLite', () =>
  Promise.resolve({ from: sqlite(), to: sqlite() }),
)

it('S250: a server on the copy refuses an old replica of a table deleted before the copy', async () => {
  const source = await startServer()
  const copy = await copyThenDelete(source, 't', 'secret')
  await source.close()

  const targetPath = join(tempDir(), 'copy.db')
  const from = createSqliteStore({ path: source.dbPath, readonly: true })
  const to = createSqliteStore({ path: targetPath })
  expect(await copyStore(from, to)).toEqual([])
  await from.close()
  await to.close()

  const target = await startServer({ dbPath: targetPath })
  const doc = new Y.Doc()
  Y.applyUpdate(doc, copy)
  const stale = connectClient(target.wsUrl, 't', { doc })
  const closed = await stale.whenClosed()
  expect(closed.code).toBe(4404)
  expect(closed.reason).toContain('was deleted')
  expect(await target.store.list()).toEqual([])
})

it('S250: a target store that keeps no deletions is refused when the source has deleted tables', async () => {
  const from = sqlite()
  await from.append('gone', [{ update: new Uint8Array([0, 0]), atMs: 1, author: null }])
  await from.delete('gone', { deletedState: new Uint8Array([1]) })
  // A store for one writer (as the browser's IndexedDB): no generations in what it loads.
  const memory = createMemoryStore()
  const forOneWriter: Store = {
    ...memory,
    load: async (table, options) => {
      const loaded = await memory.load(table, options)
      delete loaded.generation
      delete loaded.deletedState
      return loaded
    },
  }
  const error: unknown = await copyStore(from, forOneWriter).catch((caught: unknown) => caught)
  expect(isTesseraError(error, 'INVALID_ARGUMENT')).toBe(true)
  expect(String(error)).toContain('keeps no deletions')
  expect(await memory.list()).toEqual([])
  // Without deleted tables the copy goes on as before.
  const plain = sqlite()
  await plain.append('a', [{ update: new Uint8Array([0, 0]), atMs: 1, author: null }])
  expect(await copyStore(plain, forOneWriter)).toEqual(['a'])
})

// WAL checkpoints from a worker thread (server/adapters/sqlite-checkpointer.ts): what commits
// write reaches the database file without a commit copying it, and closing leaves a whole file.
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, it } from 'vitest'
import { openSqlite } from '../../server/adapters/sqlite-database.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const schema = 'CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)'

it('the worker copies committed pages into the database file; commits leave it to the worker', async () => {
  const path = join(tempDir(), 'wal.db')
  const errors: string[] = []
  const database = openSqlite({
    path,
    synchronous: 'normal',
    schema,
    checkpoints: { onError: (message) => errors.push(message) },
  })
  // Far below the backstop: a commit no longer checkpoints at SQLite's 1,000 pages.
  expect(database.db.pragma('wal_autocheckpoint', { simple: true })).toBe(16_000)
  const insert = database.db.prepare<[number, Buffer]>('INSERT INTO t (k, v) VALUES (?, ?)')
  const before = statSync(path).size
  // About 2 MB in 20 turns: below SQLite's own threshold (4 MB), so only the worker copies it.
  for (let turn = 0; turn < 20; turn++) {
    await database.runInTurn('write', () => {
      for (let row = 0; row < 25; row++) insert.run(turn * 25 + row, Buffer.alloc(4000, turn))
    })
  }
  await waitFor(() => statSync(path).size > before + 1_500_000, {
    what: 'the checkpoint thread to copy the WAL into the database file',
    timeoutMs: 30_000,
  })
  await database.close()
  expect(errors).toEqual([])
  // The last connection to close checkpoints the rest and removes the WAL.
  expect(existsSync(`${path}-wal`)).toBe(false)
  const again = new Database(path, { readonly: true })
  expect(again.prepare('SELECT count(*) FROM t').pluck().get()).toBe(500)
  again.close()
})

it('without the option a connection checkpoints on its own, as SQLite does by default', async () => {
  const database = openSqlite({ path: join(tempDir(), 'plain.db'), synchronous: 'normal', schema })
  expect(database.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
  await database.close()
})

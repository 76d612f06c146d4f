// S265: the WAL of the server's SQLite file is copied back by a worker thread with its own
// connection (server/adapters/sqlite-checkpointer.ts): its passes happen and the WAL starts over,
// the writer's commits go on while a pass copies, and closing stops the worker first.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, it } from 'vitest'
import type { CheckpointPass } from '../../server/adapters/sqlite-checkpointer.js'
import { openSqlite, type SqliteDatabase } from '../../server/adapters/sqlite-database.js'
import { tempDir } from '../helpers/temp-dir.js'

const open = (path: string, restartFrames: number): SqliteDatabase =>
  openSqlite({
    path,
    synchronous: 'normal',
    schema: 'CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v BLOB)',
    checkpoints: 'worker',
    checkpointPacing: { intervalMs: 5, restartFrames },
  })

/**
 * Commits turns of `rows` 2 KiB rows each until `isDone()` (at most `maxTurns`), noting when each
 * commit ended in `committedAtMs`; returns how many turns it committed.
 */
async function writeUntil(
  database: SqliteDatabase,
  isDone: () => boolean,
  options: { rows: number; maxTurns: number; committedAtMs?: number[] },
): Promise<number> {
  const insert = database.db.prepare<[number, Uint8Array]>('INSERT INTO t (k, v) VALUES (?, ?)')
  const value = new Uint8Array(2048).fill(7)
  const committedAtMs = options.committedAtMs ?? []
  let turns = 0
  let key = Number(database.db.prepare('SELECT count(*) FROM t').pluck().get())
  while (!isDone() && turns < options.maxTurns) {
    await database.runInTurn('write', () => {
      for (let row = 0; row < options.rows; row++) insert.run(key++, value)
    })
    committedAtMs.push(performance.timeOrigin + performance.now())
    turns++
  }
  return turns
}

it('S265: the worker copies the WAL back, and once it is long the WAL starts over', async () => {
  const path = join(tempDir(), 'checkpoints.db')
  const database = open(path, 200)
  const passes: CheckpointPass[] = []
  database.onCheckpoint((pass) => passes.push(pass))
  // Started over: a pass finds a shorter WAL than an earlier one found (frames count from the
  // WAL's beginning).
  const hasStartedOver = (): boolean =>
    passes.some((pass, index) => passes.slice(0, index).some((p) => p.logFrames > pass.logFrames))
  const turns = await writeUntil(database, hasStartedOver, { rows: 8, maxTurns: 5000 })
  expect(hasStartedOver()).toBe(true)
  expect(passes.some((pass) => pass.checkpointedFrames > 0)).toBe(true)
  // Never past the writer's own threshold: the worker kept the WAL short.
  expect(Math.max(...passes.map((pass) => pass.logFrames))).toBeLessThan(2000)
  // Everything committed is in the file, read through another connection.
  const reader = new Database(path, { readonly: true })
  expect(reader.prepare('SELECT count(*) FROM t').pluck().get()).toBe(turns * 8)
  reader.close()
  await database.close()
})

it('S265: commits go on while the worker copies', async () => {
  const database = open(join(tempDir(), 'overlap.db'), 1_000_000)
  const passes: CheckpointPass[] = []
  database.onCheckpoint((pass) => passes.push(pass))
  let overlapping = 0
  const committedAtMs: number[] = []
  // A commit that ended while a pass ran: the pass never blocked it.
  await writeUntil(
    database,
    () => {
      overlapping = passes.filter(
        (pass) =>
          pass.checkpointedFrames > 0 &&
          committedAtMs.some((atMs) => atMs > pass.startMs && atMs < pass.endMs),
      ).length
      return overlapping > 0
    },
    { rows: 40, maxTurns: 3000, committedAtMs },
  )
  expect(overlapping).toBeGreaterThan(0)
  await database.close()
})

it('S265: closing stops the worker, then the writer, the last connection, removes the WAL', async () => {
  const path = join(tempDir(), 'close.db')
  const database = open(path, 200)
  let passes = 0
  database.onCheckpoint(() => passes++)
  await writeUntil(database, () => passes >= 2, { rows: 8, maxTurns: 5000 })
  await database.close()
  expect(existsSync(`${path}-wal`)).toBe(false)
  const again = open(path, 200)
  expect(Number(again.db.prepare('SELECT count(*) FROM t').pluck().get())).toBeGreaterThan(0)
  await again.close()
  await again.close()
})

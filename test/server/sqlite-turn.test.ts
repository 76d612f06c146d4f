// Write steps asked for in one turn of the event loop share one SQLite transaction
// (server/adapters/sqlite-database.ts): each resolves with its own result once it is committed,
// a failing step is undone and rejected alone, closing the database first runs what waits, and
// the store and the audit log on one connection write a turn in one commit.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openSqlite } from '../../server/adapters/sqlite-database.js'
import { createSqliteAuditLogOn } from '../../server/adapters/sqlite-audit-log.js'
import { createSqliteStore, createSqliteStoreOn } from '../../server/adapters/sqlite-store.js'
import { tempDir } from '../helpers/temp-dir.js'

const open = (path = join(tempDir(), 'turn.db'), gatherMs?: number) =>
  openSqlite({
    path,
    synchronous: 'normal',
    schema: 'CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)',
    ...(gatherMs === undefined ? {} : { gatherMs }),
  })

/** Resolves after the event loop's check phase (where a turn's commit runs) has passed twice. */
const twoTurns = async (): Promise<void> => {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve))
}

describe('writes of one turn', () => {
  it('run together: each gets its result, a failing one rolls back and rejects alone', async () => {
    const { db, runInTurn, close } = open()
    const insert = db.prepare<[string]>('INSERT INTO t (k) VALUES (?)')
    const results = await Promise.allSettled([
      runInTurn('first', () => insert.run('a').changes),
      runInTurn('second', () => {
        insert.run('b')
        insert.run('a') // a duplicate key: this step fails after writing 'b'
      }),
      runInTurn('third', () => insert.run('c').changes),
    ])
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'STORAGE_FAILURE' })
    expect(db.prepare('SELECT k FROM t ORDER BY k').pluck().all()).toEqual(['a', 'c'])
    await close()
  })

  it('waiting writes are committed when the database closes', async () => {
    const path = join(tempDir(), 'turn.db')
    const first = open(path)
    const insert = first.db.prepare<[string]>('INSERT INTO t (k) VALUES (?)')
    const written = first.runInTurn('write', () => insert.run('kept').changes)
    await first.close()
    await expect(written).resolves.toBe(1)
    const again = open(path)
    expect(again.db.prepare('SELECT k FROM t').pluck().all()).toEqual(['kept'])
    await again.close()
    await expect(again.runInTurn('late', () => 1)).rejects.toMatchObject({ code: 'CLOSED' })
  })

  it("appends of several tables in one turn each get their table's sequence numbers", async () => {
    const store = createSqliteStore({ path: join(tempDir(), 'store.db'), synchronous: 'normal' })
    const update = { update: new Uint8Array([0, 0]), atMs: 1, author: null }
    const seqs = await Promise.all(
      ['a', 'b', 'a', 'c'].map((table) => store.append(table, [update, update])),
    )
    expect(seqs).toEqual([2, 2, 4, 2])
    expect((await store.load('a')).updates).toHaveLength(4)
    await store.close()
  })

  it("the store's appends and the audit records of a turn share its transaction", async () => {
    const path = join(tempDir(), 'shared.db')
    const database = openSqlite({ path, synchronous: 'normal', schema: '' })
    const store = createSqliteStoreOn(database, { path })
    const audit = createSqliteAuditLogOn(database)
    const other = new Database(path, { readonly: true })
    const count = (db: Database.Database, table: string) =>
      db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()
    const record = {
      table: 't',
      rowId: 'r',
      action: 'insert' as const,
      columns: [],
      userId: null,
      atMs: 1,
    }
    const [seq, , seen] = await Promise.all([
      store.append('t', [{ update: new Uint8Array([0, 0]), atMs: 1, author: null }]),
      audit.append([record]),
      // Asked for last in the same turn: it runs after the two others, before the commit.
      database.runInTurn('look', () => ({
        own: [count(database.db, 'updates'), count(database.db, 'audit_turns')],
        other: [count(other, 'updates'), count(other, 'audit_turns')],
      })),
    ])
    expect(seq).toBe(1)
    expect(seen).toEqual({ own: [1, 1], other: [0, 0] })
    expect([count(other, 'updates'), count(other, 'audit_turns')]).toEqual([1, 1])
    // Closing the ports leaves the shared connection to whoever opened it.
    await store.close()
    await audit.close()
    await expect(store.append('t', [])).rejects.toMatchObject({ code: 'CLOSED' })
    expect(count(database.db, 'audit_turns')).toBe(1)
    other.close()
    await database.close()
  })

  it('S200: an idle database commits at the end of the turn; a turn right after a commit waits for the window', async () => {
    const gatherMs = 300
    const { db, runInTurn, close } = open(join(tempDir(), 'gather.db'), gatherMs)
    const insert = db.prepare<[string]>('INSERT INTO t (k) VALUES (?)')
    const committed: string[] = []
    const write = (key: string) =>
      runInTurn(key, () => insert.run(key)).then(() => void committed.push(key))
    const firstStarted = performance.now()
    // The first commit of an idle database: at the end of its turn.
    const first = write('first')
    await twoTurns()
    expect(committed).toEqual(['first'])
    const second = write('second')
    const third = write('third')
    await twoTurns()
    expect(committed).toEqual(['first'])
    await Promise.all([first, second, third])
    // Timers may fire up to a millisecond early against performance.now().
    expect(performance.now() - firstStarted).toBeGreaterThanOrEqual(gatherMs - 2)
    expect(committed).toEqual(['first', 'second', 'third'])
    await close()
  })

  it('S200: closing commits what waits for its window at once', async () => {
    const path = join(tempDir(), 'gather.db')
    const database = open(path, 60_000)
    const insert = database.db.prepare<[string]>('INSERT INTO t (k) VALUES (?)')
    await database.runInTurn('first', () => insert.run('first'))
    const waiting = database.runInTurn('second', () => insert.run('second').changes)
    await database.close()
    await expect(waiting).resolves.toBe(1)
    const again = open(path)
    expect(again.db.prepare('SELECT k FROM t ORDER BY k').pluck().all()).toEqual([
      'first',
      'second',
    ])
    await again.close()
  })
})

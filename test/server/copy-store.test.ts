// S211 without PostgreSQL: copyStore moves the audit log and the revoked tokens of a SQLite file
// into another SQLite file, refuses a target store that has nowhere to keep them, and never
// writes to its source; S237: a copy that did not finish is never taken for a whole one.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, it, onTestFinished } from 'vitest'
import { createMemoryStore, isTesseraError, type Store } from '../../src/index.js'
import { createSqliteAuditLog } from '../../server/adapters/sqlite-audit-log.js'
import { createSqliteRevocationList } from '../../server/adapters/sqlite-revocation-list.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { copyStore } from '../../server/copy-store.js'
import { call } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'

const update = { update: new Uint8Array([0, 0]), atMs: 1, author: null }

/** A SQLite file holding table `a`, and `records` audit records and one revocation when given. */
const sqliteFile = async (records: number, revocations: number): Promise<string> => {
  const path = join(tempDir(), 'tessera.db')
  const store = createSqliteStore({ path })
  await store.append('a', [update])
  await store.close()
  const audit = createSqliteAuditLog({ path })
  const list = createSqliteRevocationList({ path })
  for (let index = 0; index < records; index++) {
    const action = index === 0 ? 'restore' : 'update'
    const extra = index === 0 ? { restoredToMs: 7 } : {}
    await audit.append([
      {
        table: 'a',
        rowId: `r${index}`,
        action,
        columns: ['c'],
        userId: 'ann',
        atMs: index,
        ...extra,
      },
    ])
  }
  for (let index = 0; index < revocations; index++)
    await list.add({ kind: 'user', id: `u${index}`, atMs: 10 + index })
  await audit.close()
  await list.close()
  return path
}

const open = (path: string) => {
  const store = createSqliteStore({ path })
  onTestFinished(() => store.close())
  return store
}

it('S211: copies every audit record (in order, over several pages) and every revocation the target lacks', async () => {
  const from = open(await sqliteFile(1_205, 2))
  const targetPath = join(tempDir(), 'target.db')
  const preset = createSqliteRevocationList({ path: targetPath })
  await preset.add({ kind: 'user', id: 'u1', atMs: 11 })
  await preset.close()
  expect(await copyStore(from, open(targetPath))).toEqual(['a'])
  const audit = createSqliteAuditLog({ path: targetPath })
  onTestFinished(() => audit.close())
  const copied = await audit.list(0, 2_000)
  expect(copied).toHaveLength(1_205)
  expect(copied.map((entry) => entry.atMs)).toEqual(Array.from({ length: 1_205 }, (_, i) => i))
  expect(copied[0]).toMatchObject({ action: 'restore', restoredToMs: 7, userId: 'ann' })
  const list = createSqliteRevocationList({ path: targetPath })
  onTestFinished(() => list.close())
  // u1 was there already: it is not added twice.
  expect((await list.list(0)).map((revocation) => revocation.id)).toEqual(['u1', 'u0'])
})

it('S211: a source with audit records or revocations is not copied into a store that cannot keep them', async () => {
  const error: unknown = await copyStore(open(await sqliteFile(0, 1)), createMemoryStore()).catch(
    (caught: unknown) => caught,
  )
  expect(isTesseraError(error, 'INVALID_ARGUMENT')).toBe(true)
  expect(String(error)).toContain('nowhere to keep them')
  // Nothing beside the tables: the copy goes on as before.
  const target = createMemoryStore()
  expect(await copyStore(open(await sqliteFile(0, 0)), target)).toEqual(['a'])
  expect(await target.list()).toEqual(['a'])
})

/** The tables of the SQLite file at `path`, read without writing. */
const fileTables = (path: string): string[] => {
  const db = new Database(path, { readonly: true })
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
    return (rows as { name: string }[]).map((row) => row.name).sort()
  } finally {
    db.close()
  }
}

/** A SQLite file written by the store alone (no audit log, no revocations), with `tables`. */
const storeOnlyFile = async (tables: string[]): Promise<string> => {
  const path = join(tempDir(), 'source.db')
  const store = createSqliteStore({ path })
  for (const table of tables) await store.append(table, [update])
  await store.close()
  return path
}

it('S211: a copy never writes to its source: a file without audit log or revocations stays without', async () => {
  const path = await storeOnlyFile(['a'])
  const before = fileTables(path)
  expect(before).not.toContain('audit')
  const from = createSqliteStore({ path, readonly: true })
  onTestFinished(() => from.close())
  const target = open(join(tempDir(), 'target.db'))
  expect(await copyStore(from, target)).toEqual(['a'])
  expect(fileTables(path)).toEqual(before)
  expect(await target.list()).toEqual(['a'])
})

it('S237: a copy stopped midway is marked unfinished: no server opens it, no copy goes on top of it', async () => {
  const from = open(await storeOnlyFile(['a', 'b', 'c']))
  const targetPath = join(tempDir(), 'target.db')
  const target = open(targetPath)
  // The target fails at table b (as a crash there would stop it): a and the mark stay behind.
  const failing = Object.assign(Object.create(target) as Store, {
    append: ((table, updates, options) =>
      table === 'b'
        ? Promise.reject(new Error('disk gone'))
        : target.append(table, updates, options)) satisfies Store['append'],
  })
  await expect(copyStore(from, failing)).rejects.toThrow('disk gone')
  expect(await target.list()).toContain('a')
  await target.close()
  const opening: unknown = await startServer({ dbPath: targetPath }).catch(
    (error: unknown) => error,
  )
  expect(isTesseraError(opening, 'STORAGE_FAILURE')).toBe(true)
  expect(String(opening)).toContain('did not finish')
  const again: unknown = await copyStore(from, open(targetPath)).catch((error: unknown) => error)
  expect(isTesseraError(again, 'INVALID_ARGUMENT')).toBe(true)
  expect(String(again)).toContain('unfinished copy')

  // A copy that finishes leaves no mark: a server opens it and lists the tables only.
  const donePath = join(tempDir(), 'done.db')
  expect(await copyStore(from, open(donePath))).toEqual(['a', 'b', 'c'])
  const server = await startServer({ dbPath: donePath })
  expect((await call(server, 'GET', '/tables')).body.tables).toEqual(['a', 'b', 'c'])
})

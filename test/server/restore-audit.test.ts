// S212: a restore leaves its mark in the audit log (who brought which table, rows or cell back to
// which time), read through the audit routes of a real server; and an audit file written before
// restores were recorded opens and records them.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { createSqliteAuditLog } from '../../server/adapters/sqlite-audit-log.js'
import { call, testSecret } from '../helpers/auth.js'
import { runCli } from '../helpers/cli.js'
import { iso, markTime } from '../helpers/history.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string, roles: string[]) =>
  verifier.sign({ id, roles }, { expiresInSeconds: 600 })

type Entry = {
  seq: number
  rowId: string | null
  action: string
  columns: string[]
  userId: string | null
}

/** A table with two rows at a marked time, then changed; returns the tokens and the mark. */
const changedSince = async (server: TestServer) => {
  const admin = await tokenFor('ada', ['admin'])
  const editor = await tokenFor('ed', ['editor'])
  const body = { name: 't', columns: [{ name: 'title', type: 'string' }] }
  await call(server, 'POST', '/tables', { token: admin, body })
  const rows = [
    { id: 'r1', title: 'one' },
    { id: 'r2', title: 'two' },
  ]
  await call(server, 'POST', '/tables/t/rows', { token: editor, body: rows })
  const mark = await markTime(server, 't')
  await call(server, 'PATCH', '/tables/t/rows/r1', { token: editor, body: { title: 'ONE' } })
  await call(server, 'DELETE', '/tables/t/rows/r2', { token: editor })
  return { admin, editor, mark }
}

const auth = {
  auth: { secret: testSecret },
  rules: { '*': { read: ['authenticated'], write: ['editor'], admin: ['admin'] } },
}

describe('restores in the audit log', () => {
  it('S212: a whole-table restore is recorded with its caller and time, in GET /tables/:table/audit', async () => {
    const server = await startServer(auth)
    const { admin, editor, mark } = await changedSince(server)
    const restore = { token: admin, body: { at: iso(mark) } }
    expect((await call(server, 'POST', '/tables/t/restore', restore)).status).toBe(200)
    const { body } = await call(server, 'GET', '/tables/t/audit', { token: editor })
    const entries = body.entries as Entry[]
    const restores = entries.filter((entry) => entry.action === 'restore')
    expect(restores).toEqual([
      {
        seq: expect.any(Number) as number,
        rowId: null,
        action: 'restore',
        columns: [],
        userId: 'ada',
        at: expect.any(String) as string,
        restoredTo: iso(mark),
      },
    ])
    // The rows it changed are recorded too, by the same caller, before the restore's mark.
    const byAda = entries.filter((entry) => entry.action !== 'restore' && entry.userId === 'ada')
    expect(byAda.map((entry) => [entry.rowId, entry.action])).toEqual([
      ['r2', 'insert'],
      ['r1', 'update'],
    ])
    expect(byAda.at(-1)!.seq).toBeLessThan(restores[0]!.seq)
    const seqs = entries.map((entry) => entry.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    // Paging: after the last seq there is nothing.
    const after = await call(server, 'GET', `/tables/t/audit?after=${seqs.at(-1)!}`, {
      token: editor,
    })
    expect(after.body.entries).toEqual([])
  })

  it('S212: a rows or cell restore is recorded on each row it covered, with the column by name', async () => {
    const server = await startServer(auth)
    const { editor, mark } = await changedSince(server)
    const rows = { token: editor, body: { at: iso(mark), rows: ['r2'] } }
    expect((await call(server, 'POST', '/tables/t/restore', rows)).status).toBe(200)
    const cell = { token: editor, body: { at: iso(mark), cell: { row: 'r1', column: 'title' } } }
    expect((await call(server, 'POST', '/tables/t/restore', cell)).status).toBe(200)
    const r2 = (await call(server, 'GET', '/tables/t/rows/r2/audit', { token: editor })).body
    expect(r2.entries.at(-1)).toMatchObject({
      action: 'restore',
      userId: 'ed',
      columns: [],
      restoredTo: iso(mark),
    })
    const r1 = (await call(server, 'GET', '/tables/t/rows/r1/audit', { token: editor })).body
    expect(r1.entries.at(-1)).toMatchObject({ action: 'restore', columns: ['title'] })
  })

  it('S212: a refused restore records nothing; bad audit parameters are INVALID_ARGUMENT', async () => {
    const server = await startServer(auth)
    const { editor, mark } = await changedSince(server)
    const refused = await call(server, 'POST', '/tables/t/restore', {
      token: editor,
      body: { at: iso(mark) },
    })
    expect(refused.status).toBe(403)
    const { body } = await call(server, 'GET', '/tables/t/audit', { token: editor })
    expect((body.entries as Entry[]).some((entry) => entry.action === 'restore')).toBe(false)
    for (const query of ['after=-1', 'after=x', 'limit=0', 'limit=10001']) {
      const bad = await call(server, 'GET', `/tables/t/audit?${query}`, { token: editor })
      expect([bad.status, bad.body.error.code], query).toEqual([400, 'INVALID_ARGUMENT'])
    }
    const missing = await call(server, 'GET', '/tables/nope/audit', { token: editor })
    expect(missing.status).toBe(404)
  })

  it('S212: `tessera restore` records per table who restored it from a backup and to which time', async () => {
    const server = await startServer()
    const body = { name: 't', columns: [{ name: 'title', type: 'string' }] }
    await call(server, 'POST', '/tables', { body })
    await call(server, 'POST', '/tables/t/rows', { body: { id: 'r1', title: 'one' } })
    const mark = await markTime(server, 't')
    await call(server, 'POST', '/tables/t/rows', { body: { id: 'r2', title: 'two' } })
    const newest = await markTime(server, 't')
    const dir = tempDir()
    expect((await runCli(['backup', join(dir, 'b.db'), '--db', server.dbPath])).code).toBe(0)
    const asOf = join(dir, 'as-of.db')
    const whole = join(dir, 'whole.db')
    const pitr = await runCli(['restore', join(dir, 'b.db'), '--at', iso(mark), '--db', asOf])
    expect(pitr.code).toBe(0)
    expect((await runCli(['restore', join(dir, 'b.db'), '--db', whole])).code).toBe(0)

    const restoresOf = async (path: string) => {
      const restored = await startServer({ dbPath: path })
      const { body: read } = await call(restored, 'GET', '/tables/t/audit')
      return read.entries as (Entry & { restoredTo?: string })[]
    }
    const asOfEntries = await restoresOf(asOf)
    expect(asOfEntries).toEqual([
      expect.objectContaining({ rowId: null, action: 'restore', restoredTo: iso(mark) }),
    ])
    expect(asOfEntries[0]!.userId).toMatch(/^os:./)
    // A whole copy keeps the audit log it had, and the restore comes after it, to the newest entry.
    const wholeEntries = await restoresOf(whole)
    expect(wholeEntries.map((entry) => entry.action)).toEqual(['insert', 'insert', 'restore'])
    expect(Date.parse(wholeEntries.at(-1)!.restoredTo!)).toBeLessThanOrEqual(newest)
    expect(Date.parse(wholeEntries.at(-1)!.restoredTo!)).toBeGreaterThan(mark)
  })

  it('S212: an audit file from before restores were recorded opens, keeps its records and records them', async () => {
    const path = join(tempDir(), 'tessera.db')
    const old = new Database(path)
    old.exec(`CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL,
      row_id TEXT NOT NULL, action TEXT NOT NULL, columns TEXT NOT NULL, user_id TEXT,
      at_ms INTEGER NOT NULL);
      INSERT INTO audit (table_name, row_id, action, columns, user_id, at_ms)
      VALUES ('t', 'r1', 'insert', '[]', 'ann', 5);`)
    old.close()
    const log = createSqliteAuditLog({ path })
    onTestFinished(() => log.close())
    const restore = {
      table: 't',
      rowId: '',
      action: 'restore' as const,
      columns: [] as string[],
      userId: 'ann',
    }
    await log.append([{ ...restore, atMs: 9, restoredToMs: 4 }])
    expect(await log.list(0, 10)).toEqual([
      { seq: 1, table: 't', rowId: 'r1', action: 'insert', columns: [], userId: 'ann', atMs: 5 },
      { seq: 2, ...restore, atMs: 9, restoredToMs: 4 },
    ])
  })
})

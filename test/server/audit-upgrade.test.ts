// S114 for the audit log: a file of storage layout 2 (one `audit` row per record) is upgraded to
// layout 3 (records per turn and table) when a server opens it, and reads the same records.
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createSqliteAuditLog } from '../../server/adapters/sqlite-audit-log.js'
import { call } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'

const formats = join(import.meta.dirname, '..', 'fixtures', 'formats')

interface Layout2Row {
  seq: number
  row_id: string
  action: string
  columns: string
  user_id: string | null
  at_ms: number
}

const readOnly = (path: string): Database.Database => {
  const db = new Database(path, { readonly: true })
  onTestFinished(() => {
    db.close()
  })
  return db
}

describe.each(['format-1-layout-2', 'format-2-layout-2'])('fixture %s', (fixture) => {
  it('S114: its audit records read the same through the audit routes after the upgrade to layout 3, and new ones follow them', async () => {
    const dbPath = join(tempDir(), 'tessera.db')
    copyFileSync(join(formats, fixture, 'tessera.db'), dbPath)
    const old = new Database(dbPath, { readonly: true })
    const rows = old.prepare<[], Layout2Row>('SELECT * FROM audit ORDER BY seq').all()
    old.close()
    expect(rows.length).toBeGreaterThan(3)
    const expected = rows.map((row) => ({
      seq: row.seq,
      table: 'fixture',
      rowId: row.row_id,
      action: row.action,
      columns: JSON.parse(row.columns) as string[],
      userId: row.user_id,
      atMs: row.at_ms,
    }))
    // The port reads what the old rows held (column ids); the upgrade ran when it opened.
    const log = createSqliteAuditLog({ path: dbPath })
    expect(await log.list(0, 100)).toEqual(expected)
    expect(await log.history('fixture', 'r1', 100)).toEqual(
      expected.filter((entry) => entry.rowId === 'r1'),
    )
    await log.close()
    // The routes show column ids by their current names (a column was renamed since).
    const server = await startServer({ dbPath })
    const listed = await call(server, 'GET', '/tables/fixture/audit?after=0')
    const shown = (entry: { seq: number; action: string; columns: unknown[]; at: string }) => ({
      seq: entry.seq,
      action: entry.action,
      columns: entry.columns.length,
      at: entry.at,
    })
    expect(listed.body.entries.map(shown)).toEqual(
      expected.map((entry) => shown({ ...entry, at: new Date(entry.atMs).toISOString() })),
    )
    const r1 = await call(server, 'GET', '/tables/fixture/rows/r1/audit')
    expect(r1.body.entries).toHaveLength(expected.filter((entry) => entry.rowId === 'r1').length)
    await call(server, 'PATCH', '/tables/fixture/rows/r2', { body: { amount: 7 } })
    const after = await call(server, 'GET', `/tables/fixture/audit?after=${rows.at(-1)!.seq}`)
    expect(after.body.entries).toMatchObject([{ seq: rows.at(-1)!.seq + 1, rowId: 'r2' }])
    await server.close()
    const db = readOnly(dbPath)
    expect(db.pragma('user_version', { simple: true })).toBe(3)
    const audit = db.prepare("SELECT name FROM sqlite_master WHERE name = 'audit'").get()
    expect(audit).toBeUndefined()
  })
})

it('S114: the upgrade keeps seqs past records pruned before it (a seq is never given twice)', async () => {
  const path = join(tempDir(), 'tessera.db')
  const old = new Database(path)
  old.exec(`CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL,
    row_id TEXT NOT NULL, action TEXT NOT NULL, columns TEXT NOT NULL, user_id TEXT,
    at_ms INTEGER NOT NULL, restored_to_ms INTEGER);
    INSERT INTO audit VALUES (4, 't', 'r1', 'insert', '[]', 'ann', 5, NULL);
    INSERT INTO audit VALUES (5, 'u', '', 'restore', '[]', 'ann', 6, 2);
    INSERT INTO audit VALUES (9, 't', 'r1', 'update', '["c"]', NULL, 7, NULL);
    DELETE FROM audit WHERE seq = 9;`)
  old.close()
  const log = createSqliteAuditLog({ path })
  onTestFinished(() => log.close())
  await log.append([
    { table: 't', rowId: 'r1', action: 'delete', columns: [], userId: null, atMs: 8 },
  ])
  expect(await log.list(0, 10)).toEqual([
    { seq: 4, table: 't', rowId: 'r1', action: 'insert', columns: [], userId: 'ann', atMs: 5 },
    {
      seq: 5,
      table: 'u',
      rowId: '',
      action: 'restore',
      columns: [],
      userId: 'ann',
      atMs: 6,
      restoredToMs: 2,
    },
    { seq: 10, table: 't', rowId: 'r1', action: 'delete', columns: [], userId: null, atMs: 8 },
  ])
  expect((await log.history('t', 'r1', 10)).map((entry) => entry.seq)).toEqual([4, 10])
})

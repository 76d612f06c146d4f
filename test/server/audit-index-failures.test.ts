// S252: a failure of the SQLite audit log's background index is reported, on a real SQLite file
// whose indexing fails (a trigger refuses the index's writes, as a full disk or a damaged page
// would): the log hears it with the tables whose records it held, the server logs it at error
// level and counts it in `tessera_audit_index_failures_total`; no record is lost meanwhile.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, it, onTestFinished } from 'vitest'
import { createSqliteAuditLog } from '../../server/adapters/sqlite-audit-log.js'
import type { AuditIndexFailure } from '../../server/adapters/sqlite-audit-indexer.js'
import { silentLogger } from '../../server/logger.js'
import type { AuditRecord } from '../../server/ports/audit-log.js'
import { startServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const record = (table: string, rowId: string, atMs: number): AuditRecord => ({
  table,
  rowId,
  action: 'update',
  columns: ['c'],
  userId: 'ann',
  atMs,
})

/** Runs `sql` on the file at `path` through a connection of its own. */
const exec = (path: string, sql: string): void => {
  const db = new Database(path)
  try {
    db.exec(sql)
  } finally {
    db.close()
  }
}

const refuseIndex = `CREATE TRIGGER refuse_index BEFORE INSERT ON audit_row_chunks
  BEGIN SELECT RAISE(ABORT, 'the index cannot be written'); END;`

const indexedChunks = (path: string): number => {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare<[], number>('SELECT count(*) FROM audit_chunks').pluck().get()!
  } finally {
    db.close()
  }
}

it('S252: the background index reports each failure with the tables it was indexing, and catches up once it can write', async () => {
  const path = join(tempDir(), 'tessera.db')
  const failures: AuditIndexFailure[] = []
  const log = createSqliteAuditLog({
    path,
    indexAfterMs: 1,
    onIndexFailure: (failure) => failures.push(failure),
  })
  onTestFinished(() => log.close())
  exec(path, refuseIndex)
  await log.append([record('todos', 'r1', 1), record('notes', 'r2', 2)])
  await waitFor(() => failures.length > 0, { what: 'the failure reported' })
  expect(failures[0]!.tables).toEqual(['notes', 'todos'])
  expect(String(failures[0]!.error)).toContain('the index cannot be written')
  // Nothing is lost: reads scan past the index.
  expect((await log.history('todos', 'r1', 10)).map((entry) => entry.rowId)).toEqual(['r1'])
  expect(indexedChunks(path)).toBe(0)

  exec(path, 'DROP TRIGGER refuse_index')
  const seen = failures.length
  await log.append([record('todos', 'r3', 3)])
  await waitFor(() => indexedChunks(path) > 0, { what: 'the index catching up' })
  expect(failures).toHaveLength(seen)
  expect((await log.list(0, 10)).map((entry) => entry.rowId)).toEqual(['r1', 'r2', 'r3'])
})

it('S252: a server logs an index failure at error level with the table, and counts it in /metrics', async () => {
  const path = join(tempDir(), 'tessera.db')
  // Records written and never indexed (a long delay), then a file whose index cannot be written.
  const log = createSqliteAuditLog({ path, indexAfterMs: 3_600_000 })
  await log.append([record('todos', 'r1', Date.now())])
  await log.close()
  exec(path, refuseIndex)
  const errors: string[] = []
  // The server's indexer starts on the records past its index some seconds after it opens (its
  // prune at start fails on the index too, and says so as before).
  const server = await startServer({
    dbPath: path,
    logger: { ...silentLogger, error: (message) => errors.push(message) },
  })
  const failuresCounted = async (): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text()
    return Number(/^tessera_audit_index_failures_total (\d+)$/m.exec(text)?.[1] ?? NaN)
  }
  expect(await failuresCounted()).toBe(0)
  await waitFor(async () => (await failuresCounted()) > 0, {
    timeoutMs: 45_000,
    intervalMs: 100,
    what: 'the failure counted',
  })
  expect(errors.some((message) => message.includes('table "todos"'))).toBe(true)
  expect(errors.find((message) => message.includes('audit log: indexing'))).toContain(
    'the index cannot be written',
  )
})

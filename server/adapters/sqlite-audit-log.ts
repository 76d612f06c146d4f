// The AuditLog port over better-sqlite3: one `audit` table, usually in the server's own SQLite
// file beside the table data, on the store's own connection (one commit per turn for both).
import { TesseraError } from '../../src/index.js'
import type { AuditEntry, AuditLog, AuditRecord } from '../ports/audit-log.js'
import { openSqlite, type SqliteDatabase } from './sqlite-database.js'

/** Options of `createSqliteAuditLog`. */
export interface SqliteAuditLogOptions {
  /** The database file (the server passes its `dbPath`); `:memory:` for a throwaway one. */
  path: string
  /**
   * Default `normal`: a power loss may lose the last entries, never table data (the store
   * fsyncs on its own terms); `full` fsyncs every append.
   */
  synchronous?: 'full' | 'normal'
}

const schema = `
  CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    action TEXT NOT NULL,
    columns TEXT NOT NULL,
    user_id TEXT,
    at_ms INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_by_row ON audit (table_name, row_id, seq);
  CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at_ms);
`

interface AuditRow {
  seq: number
  table_name: string
  row_id: string
  action: AuditRecord['action']
  columns: string
  user_id: string | null
  at_ms: number
}

/**
 * Opens (or creates) the audit log in a SQLite file, on a connection of its own.
 * @throws STORAGE_FAILURE when the file cannot be opened
 */
export function createSqliteAuditLog(options: SqliteAuditLogOptions): AuditLog {
  const database = openSqlite({
    path: options.path,
    synchronous: options.synchronous ?? 'normal',
    schema,
  })
  return { ...createSqliteAuditLogOn(database), close: database.close }
}

/**
 * The audit log in an open database that others may share (the server passes its store's, so
 * the records asked for in a turn commit with that turn's appends). `close()` leaves the
 * database open (its opener closes it).
 */
export function createSqliteAuditLogOn(database: SqliteDatabase): AuditLog {
  const { db, run, runInTurn } = database
  db.exec(schema)
  const insert = db.prepare<[string, string, string, string, string | null, number]>(
    'INSERT INTO audit (table_name, row_id, action, columns, user_id, at_ms) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const select = db.prepare<[string, string, number], AuditRow>(
    'SELECT * FROM audit WHERE table_name = ? AND row_id = ? ORDER BY seq LIMIT ?',
  )
  const prune = db.prepare<[number]>('DELETE FROM audit WHERE at_ms < ?')
  const appendAll = (records: readonly AuditRecord[]): void => {
    for (const record of records) {
      const columns = JSON.stringify(record.columns)
      insert.run(record.table, record.rowId, record.action, columns, record.userId, record.atMs)
    }
  }
  const entryOf = (row: AuditRow): AuditEntry => ({
    seq: row.seq,
    table: row.table_name,
    rowId: row.row_id,
    action: row.action,
    columns: JSON.parse(row.columns) as string[],
    userId: row.user_id,
    atMs: row.at_ms,
  })
  let isClosed = false
  const ifOpen = <T>(where: string, body: () => Promise<T>): Promise<T> =>
    isClosed
      ? Promise.reject(new TesseraError('CLOSED', `${where}: the audit log is closed`))
      : body()
  return {
    // Every batch of one turn in one commit, each in its own savepoint (all or none of it).
    append: (records) =>
      ifOpen('audit append', () =>
        runInTurn('audit append', () => {
          appendAll(records)
        }),
      ),
    history: (table, rowId, limit) =>
      ifOpen('audit history', () =>
        run('audit history', () => select.all(table, rowId, limit).map(entryOf)),
      ),
    prune: (beforeMs) =>
      ifOpen('audit prune', () => run('audit prune', () => prune.run(beforeMs).changes)),
    close() {
      isClosed = true
      return Promise.resolve()
    },
  }
}

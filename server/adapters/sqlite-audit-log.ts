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
  restored_to_ms: number | null
}

/** S212: files written before restores were recorded lack `restored_to_ms`; it is added once. */
function addRestoreColumn(db: SqliteDatabase['db']): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(audit)').all()
  if (!columns.some((column) => column.name === 'restored_to_ms'))
    db.exec('ALTER TABLE audit ADD COLUMN restored_to_ms INTEGER')
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
  addRestoreColumn(db)
  const insert = db.prepare<[string, string, string, string, string | null, number, number | null]>(
    'INSERT INTO audit (table_name, row_id, action, columns, user_id, at_ms, restored_to_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const after = db.prepare<[number, number], AuditRow>(
    'SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?',
  )
  const afterOfTable = db.prepare<[number, string, number], AuditRow>(
    'SELECT * FROM audit WHERE seq > ? AND table_name = ? ORDER BY seq LIMIT ?',
  )
  const select = db.prepare<[string, string, number], AuditRow>(
    'SELECT * FROM audit WHERE table_name = ? AND row_id = ? ORDER BY seq LIMIT ?',
  )
  const prune = db.prepare<[number]>('DELETE FROM audit WHERE at_ms < ?')
  const appendAll = (records: readonly AuditRecord[]): void => {
    for (const record of records) {
      const columns = JSON.stringify(record.columns)
      const { table, rowId, action, userId, atMs } = record
      insert.run(table, rowId, action, columns, userId, atMs, record.restoredToMs ?? null)
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
    ...(row.restored_to_ms === null ? {} : { restoredToMs: row.restored_to_ms }),
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
    list: (afterSeq, limit, table) =>
      ifOpen('audit list', () =>
        run('audit list', () =>
          (table === undefined
            ? after.all(afterSeq, limit)
            : afterOfTable.all(afterSeq, table, limit)
          ).map(entryOf),
        ),
      ),
    prune: (beforeMs) =>
      ifOpen('audit prune', () => run('audit prune', () => prune.run(beforeMs).changes)),
    close() {
      isClosed = true
      return Promise.resolve()
    },
  }
}

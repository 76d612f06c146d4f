// The audit log: who changed which rows and cells of which table, and when, kept in SQLite beside
// the table data. Written in the same place the server persists an accepted update.
import type Database from 'better-sqlite3'

/** What one accepted update did to rows: what `applyChecked` returns, or a REST write's change. */
export interface RowChanges {
  readonly inserted: readonly string[]
  readonly updated: ReadonlyMap<string, ReadonlySet<string>>
  readonly deleted: readonly string[]
  /** Rows whose position changed (a move); default none. */
  readonly moved?: readonly string[]
}

/** One row-level event of the audit log. */
export interface AuditEntry {
  readonly seq: number
  readonly table: string
  readonly rowId: string
  readonly action: 'insert' | 'update' | 'delete' | 'move'
  /** Column ids of the cells an update wrote (empty for insert and delete). */
  readonly columns: readonly string[]
  /** The writer's user id; null when auth is off. */
  readonly userId: string | null
  readonly atMs: number
}

/** The audit log of one server. */
export interface AuditLog {
  /** Records what one accepted update did. */
  record(table: string, userId: string | null, applied: RowChanges, atMs: number): void
  /** A row's history, oldest first. */
  history(table: string, rowId: string, limit?: number): AuditEntry[]
  /** Deletes entries older than the retention; returns how many. */
  prune(nowMs: number): number
}

/** Creates the audit tables if needed. `retentionMs` of Infinity keeps everything. */
export function createAuditLog(db: Database.Database, options: { retentionMs: number }): AuditLog {
  db.exec(`
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
  `)
  const insert = db.prepare(
    'INSERT INTO audit (table_name, row_id, action, columns, user_id, at_ms) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const select = db.prepare(
    'SELECT seq, table_name, row_id, action, columns, user_id, at_ms FROM audit WHERE table_name = ? AND row_id = ? ORDER BY seq LIMIT ?',
  )
  const prune = db.prepare('DELETE FROM audit WHERE at_ms < ?')
  const recordAll = db.transaction(
    (table: string, userId: string | null, applied: RowChanges, atMs: number) => {
      for (const id of applied.deleted) insert.run(table, id, 'delete', '[]', userId, atMs)
      for (const id of applied.inserted) insert.run(table, id, 'insert', '[]', userId, atMs)
      for (const [id, columns] of applied.updated)
        insert.run(table, id, 'update', JSON.stringify([...columns]), userId, atMs)
      for (const id of applied.moved ?? []) insert.run(table, id, 'move', '[]', userId, atMs)
    },
  )
  return {
    record(table, userId, applied, atMs) {
      const moved = applied.moved?.length ?? 0
      if (applied.deleted.length + applied.inserted.length + applied.updated.size + moved > 0)
        recordAll(table, userId, applied, atMs)
    },
    history(table, rowId, limit = 1000) {
      return (select.all(table, rowId, limit) as Record<string, unknown>[]).map((row) => ({
        seq: row.seq as number,
        table: row.table_name as string,
        rowId: row.row_id as string,
        action: row.action as AuditEntry['action'],
        columns: JSON.parse(row.columns as string) as string[],
        userId: row.user_id as string | null,
        atMs: row.at_ms as number,
      }))
    },
    prune(nowMs) {
      if (!Number.isFinite(options.retentionMs)) return 0
      return prune.run(nowMs - options.retentionMs).changes
    },
  }
}

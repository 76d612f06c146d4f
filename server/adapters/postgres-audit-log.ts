// The AuditLog port over PostgreSQL: one table in the database every node shares, so a row's
// history (S54) is the same whichever node wrote it or is asked.
import type { AuditEntry, AuditLog } from '../ports/audit-log.js'
import type { PostgresDatabase } from './postgres-database.js'

interface AuditRow {
  seq: string
  table_name: string
  row_id: string
  action: AuditEntry['action']
  columns: string[]
  user_id: string | null
  at_ms: string
  restored_to_ms: string | null
}

const entryOf = (row: AuditRow): AuditEntry => ({
  seq: Number(row.seq),
  table: row.table_name,
  rowId: row.row_id,
  action: row.action,
  columns: row.columns,
  userId: row.user_id,
  atMs: Number(row.at_ms),
  ...(row.restored_to_ms === null ? {} : { restoredToMs: Number(row.restored_to_ms) }),
})

/**
 * Creates the audit table when missing and returns the log over it. Closing it leaves the
 * database open (its owner closes that).
 * @throws STORAGE_FAILURE when the table cannot be created
 */
export async function createPostgresAuditLog(database: PostgresDatabase): Promise<AuditLog> {
  const audit = `${database.prefix}tessera_audit`
  await database.migrate(`
    CREATE TABLE IF NOT EXISTS ${audit} (
      seq bigserial PRIMARY KEY, table_name text NOT NULL, row_id text NOT NULL,
      action text NOT NULL, columns text[] NOT NULL, user_id text, at_ms bigint NOT NULL);
    CREATE INDEX IF NOT EXISTS tessera_audit_by_row ON ${audit} (table_name, row_id, seq);
    CREATE INDEX IF NOT EXISTS tessera_audit_by_time ON ${audit} (at_ms);
    ALTER TABLE ${audit} ADD COLUMN IF NOT EXISTS restored_to_ms bigint;`)
  // One statement stores all records or none; ORDER BY gives them growing numbers in order.
  // Columns travel as JSON: unnest cannot take an array of arrays of different lengths.
  const append = `INSERT INTO ${audit}
      (table_name, row_id, action, columns, user_id, at_ms, restored_to_ms)
    SELECT t, r, a, ARRAY(SELECT json_array_elements_text(c::json)), u, m, p
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
      $7::bigint[]) WITH ORDINALITY AS x(t, r, a, c, u, m, p, o)
    ORDER BY o`
  // S211, S212: every record after a number, or one table's.
  const list = `SELECT * FROM ${audit} WHERE seq > $1 AND ($3::text IS NULL OR table_name = $3)
    ORDER BY seq LIMIT $2`
  const history = `SELECT * FROM ${audit} WHERE table_name = $1 AND row_id = $2
    ORDER BY seq LIMIT $3`
  let isClosed = false
  const closed = (): boolean => isClosed
  return {
    append: (records) =>
      database.run('audit append', closed, async () => {
        if (records.length === 0) return
        await database.rows(append, [
          records.map((record) => record.table),
          records.map((record) => record.rowId),
          records.map((record) => record.action),
          records.map((record) => JSON.stringify(record.columns)),
          records.map((record) => record.userId),
          records.map((record) => record.atMs),
          records.map((record) => record.restoredToMs ?? null),
        ])
      }),
    history: (table, rowId, limit) =>
      database.run('audit history', closed, async () =>
        (await database.rows<AuditRow>(history, [table, rowId, limit])).map(entryOf),
      ),
    list: (afterSeq, limit, table) =>
      database.run('audit list', closed, async () =>
        (await database.rows<AuditRow>(list, [afterSeq, limit, table ?? null])).map(entryOf),
      ),
    prune: (beforeMs) =>
      database.run(
        'audit prune',
        closed,
        async () =>
          (await database.pool.query(`DELETE FROM ${audit} WHERE at_ms < $1`, [beforeMs]))
            .rowCount ?? 0,
      ),
    close() {
      isClosed = true
      return Promise.resolve()
    },
  }
}

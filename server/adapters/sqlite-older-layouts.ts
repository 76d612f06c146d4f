// Reading a file of storage layout 2 opened read-only (S251), which cannot be upgraded: its store
// tables are layout 3's already; its one-row-per-record `audit` table is read through TEMP
// objects shaped as layout 3's audit tables (a TEMP view of one record per turn, an empty index),
// which live on the connection only, so the file is never written. Knows no store or audit log.
import type Database from 'better-sqlite3'
import { hasTable } from './sqlite-layout.js'

/** Layout 2's `audit` row as layout 3's records of one turn (docs/formats.md). */
const recordsOf = (hasRestoredToMs: boolean): string => {
  const base = 'main.audit.seq, row_id, action, json(columns), user_id, at_ms'
  if (!hasRestoredToMs) return `json_array(json_array(${base}))`
  return `CASE WHEN restored_to_ms IS NULL THEN json_array(json_array(${base}))
    ELSE json_array(json_array(${base}, restored_to_ms)) END`
}

/** A write through the TEMP view fails as every write of a read-only connection does. */
const refuseWrites = (view: string): string =>
  ['INSERT', 'UPDATE', 'DELETE']
    .map(
      (kind) =>
        `CREATE TEMP TRIGGER ${view}_${kind.toLowerCase()} INSTEAD OF ${kind} ON ${view}
          BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END;`,
    )
    .join('\n')

/**
 * S251: on a read-only connection to a file of layout 2, shows its `audit` table as layout 3's
 * `audit_turns` (one record per row, keyed by its seq) with an empty chunk index, so the audit
 * log reads scan every record. Does nothing for a file without `audit`.
 */
export function readLayout2Audit(db: Database.Database): void {
  if (!hasTable(db, 'audit') || hasTable(db, 'audit_turns')) return
  const columns = db.prepare<[], { name: string }>('PRAGMA main.table_info(audit)').all()
  const hasRestoredToMs = columns.some((column) => column.name === 'restored_to_ms')
  db.exec(`
    CREATE TEMP VIEW audit_turns AS
      SELECT seq AS last_seq, table_name, at_ms AS min_at_ms, ${recordsOf(hasRestoredToMs)} AS records
      FROM main.audit;
    ${refuseWrites('audit_turns')}
    CREATE TEMP TABLE audit_chunks (
      first_key INTEGER PRIMARY KEY, last_key INTEGER NOT NULL, min_at_ms INTEGER NOT NULL);
    CREATE TEMP TABLE audit_row_chunks (
      table_name TEXT NOT NULL, row_id TEXT NOT NULL, chunk INTEGER NOT NULL,
      PRIMARY KEY (table_name, row_id, chunk)) WITHOUT ROWID;
    CREATE TEMP TABLE audit_table_chunks (
      table_name TEXT NOT NULL, chunk INTEGER NOT NULL, PRIMARY KEY (table_name, chunk))
      WITHOUT ROWID;
  `)
}

// The audit log's tables in a SQLite file (storage layout 3, docs/formats.md): one row per turn
// and table holding its records, and the row and table index built from them in chunks later.
// Also the upgrade of layout 2's one-row-per-record `audit` table. Knows no server.
import type Database from 'better-sqlite3'
import type { AuditEntry, AuditRecord } from '../ports/audit-log.js'

/**
 * `audit_turns`: the records of one table appended in one turn, keyed by the seq of the last
 * (AUTOINCREMENT: keys and seqs are never reused), written at the end of the key B-tree only.
 * `audit_chunks`: runs of `audit_turns` keys already indexed, with their oldest time (prune);
 * `audit_row_chunks` and `audit_table_chunks`: which chunks hold records of a row or a table.
 */
export const auditLayout = `
  CREATE TABLE IF NOT EXISTS audit_turns (
    last_seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL,
    min_at_ms INTEGER NOT NULL, records TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS audit_chunks (
    first_key INTEGER PRIMARY KEY, last_key INTEGER NOT NULL, min_at_ms INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS audit_chunks_by_time ON audit_chunks (min_at_ms);
  CREATE TABLE IF NOT EXISTS audit_row_chunks (
    table_name TEXT NOT NULL, row_id TEXT NOT NULL, chunk INTEGER NOT NULL,
    PRIMARY KEY (table_name, row_id, chunk)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS audit_row_chunks_by_chunk ON audit_row_chunks (chunk);
  CREATE TABLE IF NOT EXISTS audit_table_chunks (
    table_name TEXT NOT NULL, chunk INTEGER NOT NULL, PRIMARY KEY (table_name, chunk)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS audit_table_chunks_by_chunk ON audit_table_chunks (chunk);
`

/** One stored record: seq, row id, action, column ids, user id, time, and a restore's time. */
type StoredRecord = [
  number,
  string,
  AuditRecord['action'],
  string[],
  string | null,
  number,
  number?,
]

/** The records of one `audit_turns` row as stored (JSON of `StoredRecord`s); `seqOf(i)`: record i's seq. */
export function encodeRecords(
  records: readonly AuditRecord[],
  seqOf: (index: number) => number,
): string {
  return JSON.stringify(
    records.map((record, index): StoredRecord => {
      const { rowId, action, columns, userId, atMs, restoredToMs } = record
      // JSON.stringify copies the columns as it writes them.
      const stored: StoredRecord = [seqOf(index), rowId, action, columns as string[], userId, atMs]
      if (restoredToMs !== undefined) stored.push(restoredToMs)
      return stored
    }),
  )
}

/** The entries of one `audit_turns` row of `table`. */
export function decodeRecords(table: string, records: string): AuditEntry[] {
  return (JSON.parse(records) as StoredRecord[]).map((stored) => {
    const [seq, rowId, action, columns, userId, atMs, restoredToMs] = stored
    const entry = { seq, table, rowId, action, columns, userId, atMs }
    return restoredToMs === undefined ? entry : { ...entry, restoredToMs }
  })
}

/** The most records the upgrade puts in one `audit_turns` row. */
const upgradeRunLength = 64

interface Layout2Row {
  seq: number
  table_name: string
  row_id: string
  action: AuditRecord['action']
  columns: string
  user_id: string | null
  at_ms: number
  restored_to_ms?: number | null
}

const entryOfLayout2 = (row: Layout2Row): AuditEntry => {
  const { seq, table_name: table, row_id: rowId, action, user_id: userId, at_ms: atMs } = row
  const columns = JSON.parse(row.columns) as string[]
  // Files written before restores were recorded (S212) lack `restored_to_ms`.
  const restoredToMs = row.restored_to_ms ?? undefined
  const entry = { seq, table, rowId, action, columns, userId, atMs }
  return restoredToMs === undefined ? entry : { ...entry, restoredToMs }
}

/**
 * Layout 2 to 3: moves every record of the `audit` table (one row per record) into
 * `audit_turns` with its seq, runs of one table together, and keeps the seqs never reused.
 * Runs inside the caller's upgrade transaction; a file without `audit` is left as it is.
 */
export function upgradeAuditTable(db: Database.Database): void {
  db.exec(auditLayout)
  const hasAudit = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'")
    .get()
  if (hasAudit === undefined) return
  const insert = db.prepare<[number, string, number, string]>(
    'INSERT INTO audit_turns (last_seq, table_name, min_at_ms, records) VALUES (?, ?, ?, ?)',
  )
  let run: AuditEntry[] = []
  const flush = (): void => {
    const last = run.at(-1)
    if (last === undefined) return
    const minAtMs = Math.min(...run.map((entry) => entry.atMs))
    insert.run(
      last.seq,
      last.table,
      minAtMs,
      encodeRecords(run, (index) => run[index]!.seq),
    )
    run = []
  }
  const page = db.prepare<[number], Layout2Row>(
    'SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT 10000',
  )
  for (let rows = page.all(0); rows.length > 0; rows = page.all(rows.at(-1)!.seq)) {
    for (const row of rows) {
      if (run.length >= upgradeRunLength || (run.length > 0 && run[0]!.table !== row.table_name))
        flush()
      run.push(entryOfLayout2(row))
    }
  }
  flush()
  // The old counter may be past the last record kept (pruned records): no seq is given twice.
  const old = db
    .prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'audit'")
    .get()
  if (old !== undefined) {
    db.prepare("DELETE FROM sqlite_sequence WHERE name = 'audit_turns' AND seq < ?").run(old.seq)
    db.prepare(
      "INSERT INTO sqlite_sequence (name, seq) SELECT 'audit_turns', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'audit_turns')",
    ).run(old.seq)
  }
  db.exec('DROP TABLE audit')
}

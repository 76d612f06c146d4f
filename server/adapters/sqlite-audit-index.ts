// The row and table index of the SQLite audit log (layout 3, sqlite-audit-layout.ts), built
// off the hot path: a chunk of `audit_turns` rows at a time, one entry per row or table and
// chunk, never one per record, made by SQLite in three statements. Also pruning by time, which
// keeps the chunks true.
import type Database from 'better-sqlite3'
import type { AuditEntry } from '../ports/audit-log.js'
import { decodeRecords, encodeRecords } from './sqlite-audit-layout.js'

/** A run of indexed `audit_turns` keys, first to last. */
export interface AuditChunk {
  first_key: number
  last_key: number
}

/** One `audit_turns` row. */
export interface AuditTurnRow {
  last_seq: number
  table_name: string
  records: string
}

/** What a slice of the index covered: how many rows, up to which key. */
export interface IndexedSlice {
  rows: number
  last: number
}

/** Reading and writing the index; every method runs in the caller's transaction. */
export interface AuditIndex {
  /** The last `audit_turns` key indexed; 0 when none is. */
  indexedThrough(): number
  /**
   * Indexes the next `maxRows` rows at most as one chunk; returns how many (0: nothing was left).
   */
  indexChunk(maxRows: number): number
  /**
   * Adds the entries of at most `maxRows` rows past key `after` to chunk `chunk`, which stays
   * unseen until `closeChunk`; returns how many rows and the last key.
   */
  indexSlice(chunk: number, after: number, maxRows: number): IndexedSlice
  /** Makes the chunk of keys `first` to `last` seen (every slice of it written). */
  closeChunk(first: number, last: number): void
  /** The chunks holding records of a row, after chunk `after`, at most `limit`. */
  rowChunks(table: string, rowId: string, after: number, limit: number): AuditChunk[]
  /** The chunks holding records of a table, from chunk `from` on, at most `limit`. */
  tableChunks(table: string, from: number, limit: number): AuditChunk[]
  /** The chunk that may hold key `key` (chunks never overlap); 0 when none may. */
  chunkHolding(key: number): number
  /** Deletes every record older than `beforeMs` (after indexing every row); returns how many. */
  prune(beforeMs: number): number
}

/** The index of the audit tables in `db` (which must have layout 3). */
export function createAuditIndex(db: Database.Database): AuditIndex {
  const through = db
    .prepare<[], number>('SELECT last_key FROM audit_chunks ORDER BY first_key DESC LIMIT 1')
    .pluck()
  // The last key of the next slice: at most `maxRows` rows past `after`.
  const sliceEnd = db.prepare<[number, number], { rows: number; last: number | null }>(
    'SELECT count(*) AS rows, max(last_seq) AS last FROM (SELECT last_seq FROM audit_turns WHERE last_seq > ? ORDER BY last_seq LIMIT ?)',
  )
  // A chunk's entries are made by SQLite itself: one per row id (`$[1]` of each stored record,
  // sqlite-audit-layout.ts) and table, however many records name it.
  const addChunk = db.prepare<[number, number, number, number]>(
    'INSERT INTO audit_chunks SELECT ?, ?, min(min_at_ms) FROM audit_turns WHERE last_seq BETWEEN ? AND ?',
  )
  const addRows = db.prepare<[number, number, number]>(
    "INSERT OR IGNORE INTO audit_row_chunks SELECT DISTINCT t.table_name, json_extract(r.value, '$[1]'), ? FROM audit_turns t, json_each(t.records) r WHERE t.last_seq BETWEEN ? AND ?",
  )
  const addTables = db.prepare<[number, number, number]>(
    'INSERT OR IGNORE INTO audit_table_chunks SELECT DISTINCT table_name, ? FROM audit_turns WHERE last_seq BETWEEN ? AND ?',
  )
  const rowChunks = db.prepare<[string, string, number, number], AuditChunk>(
    'SELECT c.first_key, c.last_key FROM audit_row_chunks r JOIN audit_chunks c ON c.first_key = r.chunk WHERE r.table_name = ? AND r.row_id = ? AND r.chunk > ? ORDER BY r.chunk LIMIT ?',
  )
  const tableChunks = db.prepare<[string, number, number], AuditChunk>(
    'SELECT c.first_key, c.last_key FROM audit_table_chunks t JOIN audit_chunks c ON c.first_key = t.chunk WHERE t.table_name = ? AND t.chunk >= ? ORDER BY t.chunk LIMIT ?',
  )
  const chunkHolding = db
    .prepare<[number], number | null>(
      'SELECT max(first_key) FROM audit_chunks WHERE first_key <= ?',
    )
    .pluck()
  // Entries first, the chunk's own row last: reads join on it, so a chunk is seen whole or not.
  const indexSlice = (chunk: number, after: number, maxRows: number): IndexedSlice => {
    const { rows, last } = sliceEnd.get(after, maxRows)!
    if (last === null) return { rows: 0, last: after }
    addRows.run(chunk, after + 1, last)
    addTables.run(chunk, after + 1, last)
    return { rows, last }
  }
  const closeChunk = (first: number, last: number): void => {
    addChunk.run(first, last, first, last)
  }
  const indexChunk = (maxRows: number): number => {
    const after = through.get() ?? 0
    // Keyed one past the index: rows pruned between it and the first row left are not missed.
    const { rows, last } = indexSlice(after + 1, after, maxRows)
    if (rows > 0) closeChunk(after + 1, last)
    return rows
  }
  return {
    indexedThrough: () => through.get() ?? 0,
    indexChunk,
    indexSlice,
    closeChunk,
    rowChunks: (table, rowId, after, limit) => rowChunks.all(table, rowId, after, limit),
    tableChunks: (table, from, limit) => tableChunks.all(table, from, limit),
    chunkHolding: (key) => chunkHolding.get(key) ?? 0,
    prune(beforeMs) {
      while (indexChunk(chunkRows) > 0);
      return pruneChunks(db, beforeMs)
    },
  }
}

/** The smallest of `times` (a turn may hold more records than a spread may pass). */
export const oldestOf = (times: readonly number[]): number =>
  times.reduce((oldest, time) => Math.min(oldest, time), Infinity)

/** The most `audit_turns` rows one chunk covers. */
export const chunkRows = 50_000

/** Deletes the records older than `beforeMs` from every chunk that holds one; returns how many. */
function pruneChunks(db: Database.Database, beforeMs: number): number {
  const chunks = db
    .prepare<[number], AuditChunk>(
      'SELECT first_key, last_key FROM audit_chunks WHERE min_at_ms < ?',
    )
    .all(beforeMs)
  const olderRows = db.prepare<[number, number, number], AuditTurnRow>(
    'SELECT last_seq, table_name, records FROM audit_turns WHERE last_seq BETWEEN ? AND ? AND min_at_ms < ?',
  )
  const deleteRow = db.prepare<[number]>('DELETE FROM audit_turns WHERE last_seq = ?')
  const rewriteRow = db.prepare<[number, string, number]>(
    'UPDATE audit_turns SET min_at_ms = ?, records = ? WHERE last_seq = ?',
  )
  const oldestIn = db
    .prepare<[number, number], number | null>(
      'SELECT min(min_at_ms) FROM audit_turns WHERE last_seq BETWEEN ? AND ?',
    )
    .pluck()
  // A chunk left without rows goes with its entries (those of rows pruned from a chunk that
  // keeps others stay: a read finds nothing there and moves on).
  const dropChunk = [
    db.prepare<[number]>('DELETE FROM audit_chunks WHERE first_key = ?'),
    db.prepare<[number]>('DELETE FROM audit_row_chunks WHERE chunk = ?'),
    db.prepare<[number]>('DELETE FROM audit_table_chunks WHERE chunk = ?'),
  ]
  const setOldest = db.prepare<[number, number]>(
    'UPDATE audit_chunks SET min_at_ms = ? WHERE first_key = ?',
  )
  let count = 0
  for (const { first_key: first, last_key: last } of chunks) {
    for (const row of olderRows.all(first, last, beforeMs)) {
      const entries = decodeRecords(row.table_name, row.records)
      const kept = entries.filter((entry: AuditEntry) => entry.atMs >= beforeMs)
      count += entries.length - kept.length
      if (kept.length === 0) deleteRow.run(row.last_seq)
      else {
        rewriteRow.run(
          oldestOf(kept.map((entry) => entry.atMs)),
          encodeRecords(kept, (index) => kept[index]!.seq),
          row.last_seq,
        )
      }
    }
    const oldest = oldestIn.get(first, last) ?? null
    if (oldest === null) for (const statement of dropChunk) statement.run(first)
    else setOldest.run(oldest, first)
  }
  return count
}

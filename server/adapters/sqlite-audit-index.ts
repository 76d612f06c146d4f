// The row and table index of the SQLite audit log (layout 3, sqlite-audit-layout.ts), built
// off the hot path: a chunk of `audit_turns` rows at a time, one entry per row or table and
// chunk, never one per record. Also pruning by time, which keeps the chunks true.
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

/** The keys of a chunk being gathered: its rows' keys, oldest time, and the rows and tables. */
export interface KeysOfChunk {
  readonly first: number
  last: number
  minAtMs: number
  rows: number
  tables?: Map<string, Set<string>>
}

/** Reading and writing the index; every method runs in the caller's transaction. */
export interface AuditIndex {
  /** The last `audit_turns` key indexed; 0 when none is. */
  indexedThrough(): number
  /** Indexes the next `maxRows` rows at most as one chunk; returns how many it indexed. */
  indexChunk(maxRows: number): number
  /** Adds the keys of at most `maxRows` rows past `chunk` (or past the index) to it, or a new one. */
  readInto(chunk: KeysOfChunk | undefined, maxRows: number): KeysOfChunk | undefined
  /** Writes a gathered chunk (its first row must follow the index's last). */
  writeChunk(chunk: KeysOfChunk): void
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
  const unindexed = db.prepare<[number, number], AuditTurnRow & { min_at_ms: number }>(
    'SELECT * FROM audit_turns WHERE last_seq > ? ORDER BY last_seq LIMIT ?',
  )
  const addChunk = db.prepare<[number, number, number]>('INSERT INTO audit_chunks VALUES (?, ?, ?)')
  const addRow = db.prepare<[string, string, number]>(
    'INSERT OR IGNORE INTO audit_row_chunks VALUES (?, ?, ?)',
  )
  const addTable = db.prepare<[string, number]>(
    'INSERT OR IGNORE INTO audit_table_chunks VALUES (?, ?)',
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
  const readInto = (chunk: KeysOfChunk | undefined, maxRows: number): KeysOfChunk | undefined => {
    const rows = unindexed.all(chunk?.last ?? through.get() ?? 0, maxRows)
    if (rows.length === 0) return chunk
    const keys = chunk ?? { first: rows[0]!.last_seq, last: 0, minAtMs: Infinity, rows: 0 }
    const tables = (keys.tables ??= new Map<string, Set<string>>())
    for (const row of rows) {
      const rowIds = tables.get(row.table_name) ?? new Set<string>()
      tables.set(row.table_name, rowIds)
      for (const entry of decodeRecords(row.table_name, row.records)) rowIds.add(entry.rowId)
      keys.minAtMs = Math.min(keys.minAtMs, row.min_at_ms)
    }
    keys.last = rows.at(-1)!.last_seq
    keys.rows += rows.length
    return keys
  }
  const writeChunk = (chunk: KeysOfChunk): void => {
    addChunk.run(chunk.first, chunk.last, chunk.minAtMs)
    for (const [table, rowIds] of chunk.tables ?? []) {
      addTable.run(table, chunk.first)
      for (const rowId of rowIds) addRow.run(table, rowId, chunk.first)
    }
  }
  const indexChunk = (maxRows: number): number => {
    const chunk = readInto(undefined, maxRows)
    if (chunk !== undefined) writeChunk(chunk)
    return chunk?.rows ?? 0
  }
  return {
    indexedThrough: () => through.get() ?? 0,
    indexChunk,
    readInto,
    writeChunk,
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
export const chunkRows = 2000

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
    if (oldest === null) {
      for (const table of ['audit_chunks', 'audit_row_chunks', 'audit_table_chunks'])
        db.prepare(
          `DELETE FROM ${table} WHERE ${table === 'audit_chunks' ? 'first_key' : 'chunk'} = ?`,
        ).run(first)
    } else {
      db.prepare('UPDATE audit_chunks SET min_at_ms = ? WHERE first_key = ?').run(oldest, first)
    }
  }
  return count
}

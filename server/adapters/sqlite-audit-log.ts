// The AuditLog port over better-sqlite3 (storage layout 3, docs/formats.md): usually in the
// server's own SQLite file beside the table data, on the store's own connection (one commit per
// turn for both). An append writes one row per table, at the end of one B-tree; the row and
// table index is built from those rows in chunks, in the background (sqlite-audit-index.ts).
import { TesseraError } from '../../src/index.js'
import type { AuditLog, AuditRecord } from '../ports/audit-log.js'
import { openSqlite, type SqliteDatabase } from './sqlite-database.js'
import { chunkRows, createAuditIndex, oldestOf } from './sqlite-audit-index.js'
import { createBackgroundIndexer, type AuditIndexFailure } from './sqlite-audit-indexer.js'
import { encodeRecords } from './sqlite-audit-layout.js'
import { createAuditReads } from './sqlite-audit-reads.js'
import { hasTable, prepareLayout } from './sqlite-layout.js'

/** Options of `createSqliteAuditLog`. */
export interface SqliteAuditLogOptions {
  /** The database file (the server passes its `dbPath`); `:memory:` for a throwaway one. */
  path: string
  /**
   * Default `normal`: a power loss may lose the last entries, never table data (the store
   * fsyncs on its own terms); `full` fsyncs every append.
   */
  synchronous?: 'full' | 'normal'
  /** See `SqliteAuditLogOnOptions`. */
  indexAfterMs?: number
  /** See `SqliteAuditLogOnOptions`. */
  onIndexFailure?: (failure: AuditIndexFailure) => void
}

/** Options of `createSqliteAuditLogOn`. */
export interface SqliteAuditLogOnOptions {
  /**
   * How long the background index gathers new rows before it writes them as one chunk; default
   * `indexAfterMs`. 0 indexes in the append's own step, each append a chunk (tests read through
   * the index so).
   */
  indexAfterMs?: number
  /** The database is open read-only: no background index (reads scan past the index). */
  readonly?: boolean
  /** Hears each failure of the background index (the server logs and counts them). */
  onIndexFailure?: (failure: AuditIndexFailure) => void
}

/**
 * How long the background index gathers rows before it writes them as a chunk (a read scans what
 * it has not written). Ten seconds give a row written every second one entry, not ten, and keep
 * that scan to ten seconds of records.
 */
export const indexAfterMs = 10_000

/**
 * Opens (or creates, or upgrades to layout 3) the audit log in a SQLite file, on a connection of
 * its own.
 * @throws STORAGE_FAILURE when the file cannot be opened, or has a newer layout
 */
export function createSqliteAuditLog(options: SqliteAuditLogOptions): AuditLog {
  const { path } = options
  const database = openSqlite({ path, synchronous: options.synchronous ?? 'normal', schema: '' })
  try {
    prepareLayout(database.db, path, false)
  } catch (error) {
    void database.close()
    throw error
  }
  const { indexAfterMs: afterMs, onIndexFailure } = options
  const log = createSqliteAuditLogOn(database, {
    ...(afterMs === undefined ? {} : { indexAfterMs: afterMs }),
    ...(onIndexFailure === undefined ? {} : { onIndexFailure }),
  })
  return {
    ...log,
    close: async () => {
      await log.close()
      await database.close()
    },
  }
}

/**
 * The audit log in an open database of layout 3 that others may share (the server passes its
 * store's, which prepared the layout, so the records asked for in a turn commit with that turn's
 * appends). `close()` leaves the database open (its opener closes it).
 * @throws STORAGE_FAILURE when the database lacks the audit tables (open it as a store first)
 */
export function createSqliteAuditLogOn(
  database: SqliteDatabase,
  options: SqliteAuditLogOnOptions = {},
): AuditLog {
  const { db, run, runInTurn } = database
  const { indexAfterMs: afterMs = indexAfterMs } = options
  if (!hasTable(db, 'audit_turns')) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      'the SQLite database has no audit tables (storage layout 3); open it with createSqliteStore or createSqliteAuditLog first',
    )
  }
  const index = createAuditIndex(db)
  const reads = createAuditReads(db, index)
  const lastKey = db
    .prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'audit_turns'")
    .pluck()
  const insert = db.prepare<[number, string, number, string]>(
    'INSERT INTO audit_turns (last_seq, table_name, min_at_ms, records) VALUES (?, ?, ?, ?)',
  )
  // One row per run of one table's records (Audit gives a turn's records table by table).
  const appendAll = (records: readonly AuditRecord[]): void => {
    let seq = lastKey.get() ?? 0
    let start = 0
    for (let end = 1; end <= records.length; end++) {
      if (end < records.length && records[end]!.table === records[start]!.table) continue
      const run = records.slice(start, end)
      const first = seq + 1
      seq += run.length
      const oldest = oldestOf(run.map((record) => record.atMs))
      insert.run(
        seq,
        run[0]!.table,
        oldest,
        encodeRecords(run, (index) => first + index),
      )
      start = end
    }
  }
  let isClosed = false
  const appendInStep = (records: readonly AuditRecord[]): void => {
    appendAll(records)
    if (afterMs > 0) indexer.wake()
    else while (index.indexChunk(chunkRows) === chunkRows);
  }
  const indexer = createBackgroundIndexer(db, index, afterMs, options.onIndexFailure)
  if (options.readonly === true) indexer.close()
  else if ((lastKey.get() ?? 0) > index.indexedThrough()) indexer.wake()
  const pruneAll = db.transaction((beforeMs: number) => index.prune(beforeMs))
  const ifOpen = <T>(where: string, body: () => Promise<T>): Promise<T> =>
    isClosed
      ? Promise.reject(new TesseraError('CLOSED', `${where}: the audit log is closed`))
      : body()
  return {
    // Every batch of one turn in one commit, each in its own savepoint (all or none of it).
    append: (records) =>
      ifOpen('audit append', () =>
        runInTurn('audit append', () => {
          appendInStep(records)
        }),
      ),
    // S245: inside the store's append step; the database's opener decides when it closes, so a
    // commit that runs after this port closed still writes its records.
    appendInStep,
    history: (table, rowId, limit) =>
      ifOpen('audit history', () => run('audit history', () => reads.history(table, rowId, limit))),
    list: (afterSeq, limit, table) =>
      ifOpen('audit list', () => run('audit list', () => reads.list(afterSeq, limit, table))),
    prune: (beforeMs) =>
      ifOpen('audit prune', () => run('audit prune', () => pruneAll.immediate(beforeMs))),
    close() {
      isClosed = true
      indexer.close()
      return Promise.resolve()
    },
  }
}

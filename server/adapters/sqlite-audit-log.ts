// The AuditLog port over better-sqlite3 (storage layout 3, docs/formats.md): usually in the
// server's own SQLite file beside the table data, on the store's own connection (one commit per
// turn for both). An append writes one row per table, at the end of one B-tree; the row and
// table index is built from those rows in chunks, in the background (sqlite-audit-index.ts).
import { TesseraError } from '../../src/index.js'
import type { AuditEntry, AuditLog, AuditRecord } from '../ports/audit-log.js'
import { openSqlite, type SqliteDatabase } from './sqlite-database.js'
import { chunkRows, createAuditIndex, oldestOf } from './sqlite-audit-index.js'
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
}

/** Options of `createSqliteAuditLogOn`. */
export interface SqliteAuditLogOnOptions {
  /**
   * How long after an append the background step indexes what is new; default `indexAfterMs`.
   * 0 indexes in the append's own step, each append a chunk (tests read through the index so).
   */
  indexAfterMs?: number
}

/**
 * How long after an append the index catches up (a read scans what it has not reached). One
 * chunk a second keeps that scan short and the index at one entry per row and chunk.
 */
export const indexAfterMs = 1000

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
  const log = createSqliteAuditLogOn(
    database,
    options.indexAfterMs === undefined ? {} : { indexAfterMs: options.indexAfterMs },
  )
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
    let rows: AuditEntry[] = []
    const flush = (): void => {
      if (rows.length === 0) return
      const times = rows.map((entry) => entry.atMs)
      insert.run(rows.at(-1)!.seq, rows[0]!.table, oldestOf(times), encodeRecords(rows))
      rows = []
    }
    for (const record of records) {
      if (rows.length > 0 && rows[0]!.table !== record.table) flush()
      rows.push({ ...record, seq: ++seq })
    }
    flush()
  }
  let isClosed = false
  let timer: NodeJS.Timeout | undefined
  const indexSome = db.transaction(() => index.indexChunk(chunkRows))
  // Off the hot path: a failed step is tried again after the next append, and prune (which
  // indexes first, synchronously) reports it.
  const indexInBackground = (): void => {
    timer = undefined
    if (isClosed) return
    let indexed = 0
    try {
      indexed = indexSome.immediate()
    } catch {
      return
    }
    if (indexed === chunkRows) scheduleIndex(0)
  }
  const scheduleIndex = (afterMs: number): void => {
    if (timer !== undefined || isClosed) return
    timer = setTimeout(indexInBackground, afterMs)
    timer.unref()
  }
  if ((lastKey.get() ?? 0) > index.indexedThrough()) scheduleIndex(Math.max(afterMs, 1))
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
          appendAll(records)
          if (afterMs > 0) scheduleIndex(afterMs)
          else while (index.indexChunk(chunkRows) === chunkRows);
        }),
      ),
    history: (table, rowId, limit) =>
      ifOpen('audit history', () => run('audit history', () => reads.history(table, rowId, limit))),
    list: (afterSeq, limit, table) =>
      ifOpen('audit list', () => run('audit list', () => reads.list(afterSeq, limit, table))),
    prune: (beforeMs) =>
      ifOpen('audit prune', () => run('audit prune', () => pruneAll.immediate(beforeMs))),
    close() {
      isClosed = true
      clearTimeout(timer)
      return Promise.resolve()
    },
  }
}

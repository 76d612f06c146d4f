// The Store port over better-sqlite3 in WAL mode: an append-only `updates` log per table (each
// entry with its time and author) plus the `snapshots` compaction writes. Knows nothing about Yjs.
import {
  TesseraError,
  type CompactOptions,
  type LoggedUpdate,
  type NewUpdate,
  type Store,
  type StoredTable,
} from '../../src/index.js'
import { openSqlite } from './sqlite-database.js'
import { prepareLayout } from './sqlite-layout.js'

/** Options of `createSqliteStore`. */
export interface SqliteStoreOptions {
  /** The database file; its folder is created when missing. `:memory:` for a throwaway one. */
  path: string
  /**
   * `full` (default) fsyncs every commit, so acknowledged updates survive a power loss;
   * `normal` (WAL: no fsync per commit) survives a crash of the process but may lose the last
   * commits on a power loss. The server defaults to `normal` (option `sqliteSynchronous`).
   */
  synchronous?: 'full' | 'normal'
  /** Open the file read-only: every write fails with STORAGE_FAILURE (a read-only volume). */
  readonly?: boolean
  /** How long a write waits for another process's lock before it fails; default 5,000 ms. */
  busyTimeoutMs?: number
  /** Test hook: runs inside the compaction transaction, between its two statements (the crash tests kill the process there). */
  insideCompaction?: () => void
}

/**
 * Opens (or creates) a SQLite database as a Store. Every method rejects with
 * `STORAGE_FAILURE` (SQLite's error as the cause) or `CLOSED` after `close()`.
 * @example
 * const store = createSqliteStore({ path: './data/tessera.db' })
 * @throws STORAGE_FAILURE when the file cannot be opened or is not a Tessera database
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const { path, synchronous = 'full', insideCompaction } = options
  const { readonly = false, busyTimeoutMs = 5000 } = options
  // The layout is versioned (sqlite-layout.ts), so it is created or upgraded here, not as a schema.
  const { db, run, runInTurn, close } = openSqlite({
    path,
    synchronous,
    readonly,
    busyTimeoutMs,
    schema: '',
  })
  try {
    prepareLayout(db, path, readonly)
  } catch (cause) {
    void close()
    if (cause instanceof TesseraError) throw cause
    throw new TesseraError(
      'STORAGE_FAILURE',
      `cannot prepare the SQLite database "${path}": ${String(cause)}; check the path and its permissions`,
      { cause },
    )
  }
  type Row = { seq: number; at_ms: number }
  const sql = {
    newestSnapshot: db.prepare<[string], Row & { data: Buffer }>(
      'SELECT seq, at_ms, data FROM snapshots WHERE table_name = ? ORDER BY seq DESC LIMIT 1',
    ),
    // Without the blob: appends read the newest seq, and a snapshot is the whole table.
    newestSnapshotSeq: db.prepare<[string], { seq: number }>(
      'SELECT seq FROM snapshots WHERE table_name = ? ORDER BY seq DESC LIMIT 1',
    ),
    lastEntry: db.prepare<[string], Row>(
      'SELECT seq, at_ms FROM updates WHERE table_name = ? ORDER BY seq DESC LIMIT 1',
    ),
    log: db.prepare<[string, number, number], Row & { author: string | null; data: Buffer }>(
      'SELECT seq, at_ms, author, data FROM updates WHERE table_name = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    insert: db.prepare<[string, number, number, string | null, Uint8Array]>(
      'INSERT INTO updates (table_name, seq, at_ms, author, data) VALUES (?, ?, ?, ?, ?)',
    ),
    putSnapshot: db.prepare<[string, number, number, Uint8Array]>(
      'INSERT INTO snapshots (table_name, seq, at_ms, data) VALUES (?, ?, ?, ?) ON CONFLICT (table_name, seq) DO UPDATE SET at_ms = excluded.at_ms, data = excluded.data',
    ),
    dropSnapshot: db.prepare<[string, number]>(
      'DELETE FROM snapshots WHERE table_name = ? AND seq = ?',
    ),
    snapshots: db.prepare<[string], Row & { byteLength: number }>(
      'SELECT seq, at_ms, length(data) AS byteLength FROM snapshots WHERE table_name = ? ORDER BY seq',
    ),
    snapshot: db.prepare<[string, number], { data: Buffer }>(
      'SELECT data FROM snapshots WHERE table_name = ? AND seq = ?',
    ),
    trimLog: db.prepare<[string, number]>('DELETE FROM updates WHERE table_name = ? AND seq <= ?'),
    trimSnapshots: db.prepare<[string, number]>(
      'DELETE FROM snapshots WHERE table_name = ? AND seq < ?',
    ),
    list: db.prepare<[], { name: string }>(
      'SELECT DISTINCT table_name AS name FROM snapshots UNION SELECT DISTINCT table_name FROM updates ORDER BY name',
    ),
    deleteUpdates: db.prepare<[string]>('DELETE FROM updates WHERE table_name = ?'),
    deleteSnapshots: db.prepare<[string]>('DELETE FROM snapshots WHERE table_name = ?'),
  }
  const lastSeq = (table: string): number =>
    Math.max(sql.lastEntry.get(table)?.seq ?? 0, sql.newestSnapshotSeq.get(table)?.seq ?? 0)
  const append = db.transaction((table: string, updates: readonly NewUpdate[]) => {
    let seq = lastSeq(table)
    for (const { update, atMs, author } of updates)
      sql.insert.run(table, ++seq, atMs, author, update)
    return seq
  })
  const compact = db.transaction(
    (table: string, snapshot: Uint8Array, seq: number, options: CompactOptions) => {
      sql.putSnapshot.run(table, seq, options.atMs ?? 0, snapshot)
      insideCompaction?.()
      // Only an older snapshot is replaced: the newest one always holds every update up to it.
      if (options.replaces !== undefined && options.replaces < seq)
        sql.dropSnapshot.run(table, options.replaces)
    },
  )
  const trim = db.transaction((table: string, seq: number) => {
    if (sql.snapshot.get(table, seq) === undefined) return false
    sql.trimLog.run(table, seq)
    sql.trimSnapshots.run(table, seq)
    return true
  })
  const remove = db.transaction((table: string) => {
    const changes = sql.deleteUpdates.run(table).changes + sql.deleteSnapshots.run(table).changes
    return changes > 0
  })
  // One read transaction, so a compaction or trim cannot fall between the snapshot and the log.
  const load = db.transaction((table: string, afterSeq: number): StoredTable => {
    const newest = sql.newestSnapshot.get(table)
    // A caller that holds everything up to `afterSeq` needs the snapshot only when it is newer.
    const snapshot = newest !== undefined && newest.seq > afterSeq ? newest : undefined
    const last = sql.lastEntry.get(table)
    const result: StoredTable = {
      updates: [],
      seq: Math.max(afterSeq, newest?.seq ?? 0, last?.seq ?? 0),
      updateBytes: 0,
      atMs: Math.max(newest?.at_ms ?? 0, last?.at_ms ?? 0),
    }
    if (snapshot !== undefined) result.snapshot = new Uint8Array(snapshot.data)
    for (const row of sql.log.iterate(table, Math.max(afterSeq, snapshot?.seq ?? 0), -1)) {
      result.updates.push(new Uint8Array(row.data))
      result.updateBytes += row.data.byteLength
    }
    return result
  })
  const readLog = (table: string, afterSeq: number, limit: number): LoggedUpdate[] =>
    sql.log.all(table, afterSeq, limit).map((row) => ({
      seq: row.seq,
      atMs: row.at_ms,
      author: row.author,
      update: new Uint8Array(row.data),
    }))

  return {
    load: (table, options) => run('load', () => load(table, options?.afterSeq ?? 0)),
    // The appends of every table in one turn commit together (one SQLite commit, not one each).
    append: (table, updates) => runInTurn('append', () => append(table, updates)),
    compact: (table, snapshot, seq, options = {}) =>
      run('compact', () => {
        compact(table, snapshot, seq, options)
      }),
    snapshots: (table) =>
      run('snapshots', () =>
        sql.snapshots.all(table).map((row) => ({
          seq: row.seq,
          atMs: row.at_ms,
          byteLength: row.byteLength,
        })),
      ),
    readSnapshot: (table, seq) =>
      run('readSnapshot', () => {
        const row = sql.snapshot.get(table, seq)
        return row === undefined ? undefined : new Uint8Array(row.data)
      }),
    readLog: (table, afterSeq, limit) => run('readLog', () => readLog(table, afterSeq, limit)),
    trim: (table, seq) => run('trim', () => trim(table, seq)),
    list: () => run('list', () => sql.list.all().map((row) => row.name)),
    delete: (table) => run('delete', () => remove(table)),
    close,
  }
}

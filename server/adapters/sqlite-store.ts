// The Store port over better-sqlite3 in WAL mode: an append-only `updates` log per table (each
// entry with its time and author) plus the `snapshots` compaction writes, kept encoded
// (snapshot-encoding.ts). Knows nothing else about Yjs.
import { TesseraError, type Store, type StoredTable } from '../../src/index.js'
import { decodeSnapshot, encodeSnapshot } from '../snapshot-encoding.js'
import { openSqlite, type SqliteDatabase } from './sqlite-database.js'
import { prepareLayout } from './sqlite-layout.js'
import { sqliteStoreSteps } from './sqlite-store-steps.js'
import { withCompanions } from '../store-companions.js'
import { sqliteCompanions } from './sqlite-companions.js'

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
  const database = openSqlite({ path, synchronous, readonly, busyTimeoutMs, schema: '' })
  const store = createSqliteStoreOn(database, { path, readonly, insideCompaction })
  // S211: copyStore moves the audit log and revocations of the same file.
  return withCompanions({ ...store, close: database.close }, sqliteCompanions(path))
}

/**
 * The Store over an open database (openSqlite), which others may share: the server's audit log
 * writes in the same turns, so a turn's appends and audit records are one commit. `close()`
 * leaves the database open (its opener closes it).
 * @throws STORAGE_FAILURE when the file is not a Tessera database
 */
export function createSqliteStoreOn(
  database: SqliteDatabase,
  options: { path: string; readonly?: boolean; insideCompaction?: (() => void) | undefined },
): Store {
  const { db, run, runInTurn, onRollback } = database
  const { path, readonly = false, insideCompaction } = options
  try {
    prepareLayout(db, path, readonly)
  } catch (cause) {
    void database.close()
    if (cause instanceof TesseraError) throw cause
    throw new TesseraError(
      'STORAGE_FAILURE',
      `cannot prepare the SQLite database "${path}": ${String(cause)}; check the path and its permissions`,
      { cause },
    )
  }
  const steps = sqliteStoreSteps(db, insideCompaction, onRollback)
  let isClosed = false
  const ifOpen = <T>(where: string, body: () => Promise<T>): Promise<T> =>
    isClosed
      ? Promise.reject(new TesseraError('CLOSED', `${where}: the store is closed; open a new one`))
      : body()
  const decoded = async (stored: StoredTable, table: string): Promise<StoredTable> => {
    if (stored.snapshot !== undefined)
      stored.snapshot = await decodeSnapshot(stored.snapshot, `table "${table}"`)
    return stored
  }

  return {
    load: (table, options) =>
      ifOpen('load', async () =>
        decoded(await run('load', () => steps.load(table, options?.afterSeq ?? 0)), table),
      ),
    // The appends of every table in one turn commit together (one SQLite commit, not one each).
    append: (table, updates, appendOptions) =>
      ifOpen('append', () =>
        runInTurn('append', () => {
          const seq = steps.append(table, updates, appendOptions)
          // S245: the caller's write (the audit records) commits or rolls back with the updates.
          appendOptions?.inTransaction?.()
          return seq
        }),
      ),
    compact: (table, snapshot, seq, options = {}) =>
      ifOpen('compact', () =>
        run('compact', () => {
          steps.compact(table, encodeSnapshot(snapshot), seq, options)
        }),
      ),
    snapshots: (table) => ifOpen('snapshots', () => run('snapshots', () => steps.snapshots(table))),
    readSnapshot: (table, seq) =>
      ifOpen('readSnapshot', async () => {
        const stored = await run('readSnapshot', () => steps.readSnapshot(table, seq))
        return stored && decodeSnapshot(stored, `table "${table}", snapshot ${seq}`)
      }),
    readLog: (table, afterSeq, limit) =>
      ifOpen('readLog', () => run('readLog', () => steps.readLog(table, afterSeq, limit))),
    trim: (table, seq) => ifOpen('trim', () => run('trim', () => steps.trim(table, seq))),
    list: () => ifOpen('list', () => run('list', () => steps.list())),
    delete: (table, options = {}) =>
      ifOpen('delete', () => run('delete', () => steps.remove(table, options.deletedState))),
    close() {
      isClosed = true
      return Promise.resolve()
    },
  }
}

// The Store port over better-sqlite3 in WAL mode: an append-only `updates` log per table (each
// entry with its time and author) plus the `snapshots` compaction writes, kept encoded
// (snapshot-encoding.ts). Knows nothing else about Yjs.
import { TesseraError, type Store, type StoredTable } from '../../src/index.js'
import { decodeSnapshot, encodeSnapshot } from '../snapshot-encoding.js'
import { openSqlite } from './sqlite-database.js'
import { prepareLayout } from './sqlite-layout.js'
import { sqliteStoreSteps } from './sqlite-store-steps.js'

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
  const steps = sqliteStoreSteps(db, insideCompaction)

  const decoded = async (stored: StoredTable, table: string): Promise<StoredTable> => {
    if (stored.snapshot !== undefined)
      stored.snapshot = await decodeSnapshot(stored.snapshot, `table "${table}"`)
    return stored
  }

  return {
    load: async (table, options) =>
      decoded(await run('load', () => steps.load(table, options?.afterSeq ?? 0)), table),
    // The appends of every table in one turn commit together (one SQLite commit, not one each).
    append: (table, updates) => runInTurn('append', () => steps.append(table, updates)),
    compact: (table, snapshot, seq, options = {}) =>
      run('compact', () => {
        steps.compact(table, encodeSnapshot(snapshot), seq, options)
      }),
    snapshots: (table) => run('snapshots', () => steps.snapshots(table)),
    readSnapshot: async (table, seq) => {
      const stored = await run('readSnapshot', () => steps.readSnapshot(table, seq))
      return stored && decodeSnapshot(stored, `table "${table}", snapshot ${seq}`)
    },
    readLog: (table, afterSeq, limit) =>
      run('readLog', () => steps.readLog(table, afterSeq, limit)),
    trim: (table, seq) => run('trim', () => steps.trim(table, seq)),
    list: () => run('list', () => steps.list()),
    delete: (table) => run('delete', () => steps.remove(table)),
    close,
  }
}

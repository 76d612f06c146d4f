// The Store port over better-sqlite3 in WAL mode: an append-only `updates` log per table plus
// one `snapshots` row that compaction folds the log into. Knows nothing about Yjs.
import type { Store, StoredTable } from '../../src/index.js'
import { openSqlite } from './sqlite-database.js'

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

const schema = `
  CREATE TABLE IF NOT EXISTS updates (
    table_name TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (table_name, seq)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS snapshots (
    table_name TEXT PRIMARY KEY, seq INTEGER NOT NULL, data BLOB NOT NULL);
`

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
  const { db, run, close } = openSqlite({ path, synchronous, readonly, busyTimeoutMs, schema })
  const sql = {
    snapshot: db.prepare<[string], { seq: number; data: Buffer }>(
      'SELECT seq, data FROM snapshots WHERE table_name = ?',
    ),
    updates: db.prepare<[string, number], { seq: number; data: Buffer }>(
      'SELECT seq, data FROM updates WHERE table_name = ? AND seq > ? ORDER BY seq',
    ),
    lastSeq: db.prepare<[string, string], { seq: number | null }>(
      'SELECT max(seq) AS seq FROM (SELECT max(seq) AS seq FROM updates WHERE table_name = ? UNION ALL SELECT seq FROM snapshots WHERE table_name = ?)',
    ),
    insert: db.prepare<[string, number, Uint8Array]>(
      'INSERT INTO updates (table_name, seq, data) VALUES (?, ?, ?)',
    ),
    putSnapshot: db.prepare<[string, number, Uint8Array]>(
      'INSERT INTO snapshots (table_name, seq, data) VALUES (?, ?, ?) ON CONFLICT (table_name) DO UPDATE SET seq = excluded.seq, data = excluded.data WHERE excluded.seq >= snapshots.seq',
    ),
    dropUpTo: db.prepare<[string, number]>('DELETE FROM updates WHERE table_name = ? AND seq <= ?'),
    list: db.prepare<[], { name: string }>(
      'SELECT table_name AS name FROM snapshots UNION SELECT DISTINCT table_name FROM updates ORDER BY name',
    ),
    deleteUpdates: db.prepare<[string]>('DELETE FROM updates WHERE table_name = ?'),
    deleteSnapshot: db.prepare<[string]>('DELETE FROM snapshots WHERE table_name = ?'),
  }
  const lastSeq = (table: string): number => sql.lastSeq.get(table, table)?.seq ?? 0
  const append = db.transaction((table: string, updates: readonly Uint8Array[]) => {
    let seq = lastSeq(table)
    for (const update of updates) sql.insert.run(table, ++seq, update)
    return seq
  })
  const compact = db.transaction((table: string, snapshot: Uint8Array, seq: number) => {
    sql.putSnapshot.run(table, seq, snapshot)
    insideCompaction?.()
    sql.dropUpTo.run(table, seq)
  })
  const remove = db.transaction((table: string) => {
    const changes = sql.deleteUpdates.run(table).changes + sql.deleteSnapshot.run(table).changes
    return changes > 0
  })
  // One read transaction, so a compaction cannot fall between the snapshot and the updates.
  const load = db.transaction((table: string, afterSeq: number): StoredTable => {
    const snapshot = sql.snapshot.get(table)
    const isNewer = snapshot !== undefined && snapshot.seq > afterSeq
    const result: StoredTable = {
      updates: [],
      seq: Math.max(afterSeq, snapshot?.seq ?? 0),
      updateBytes: 0,
    }
    if (isNewer) result.snapshot = new Uint8Array(snapshot.data)
    for (const row of sql.updates.iterate(table, afterSeq)) {
      result.updates.push(new Uint8Array(row.data))
      result.updateBytes += row.data.byteLength
      result.seq = row.seq
    }
    return result
  })

  return {
    load: (table, options) => run('load', () => load(table, options?.afterSeq ?? 0)),
    append: (table, updates) => run('append', () => append(table, updates)),
    compact: (table, snapshot, seq) =>
      run('compact', () => {
        compact(table, snapshot, seq)
      }),
    list: () => run('list', () => sql.list.all().map((row) => row.name)),
    delete: (table) => run('delete', () => remove(table)),
    close,
  }
}

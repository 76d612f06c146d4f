// The SQL of the SQLite store (sqlite-store.ts) as prepared statements, and the transactions
// each Store method runs: one transaction per step, so no reader sees half of a write.
import type Database from 'better-sqlite3'
import { hasTable } from './sqlite-layout.js'
import { deletedSince } from '../../src/internal.js'
import type {
  AppendOptions,
  CompactOptions,
  LoggedUpdate,
  NewUpdate,
  SnapshotInfo,
  StoredTable,
} from '../../src/index.js'

type Row = { seq: number; at_ms: number }

/** The store's statements, prepared once on `db`. */
function prepareStatements(db: Database.Database) {
  return {
    newestSnapshot: db.prepare<[string], Row & { data: Buffer }>(
      'SELECT seq, at_ms, data FROM snapshots WHERE table_name = ? ORDER BY seq DESC LIMIT 1',
    ),
    // The newest seq of the log or of a snapshot, in one statement (appends read it every turn).
    lastSeq: db.prepare<[string, string], { seq: number }>(
      'SELECT max(coalesce((SELECT seq FROM updates WHERE table_name = ? ORDER BY seq DESC LIMIT 1), 0), coalesce((SELECT seq FROM snapshots WHERE table_name = ? ORDER BY seq DESC LIMIT 1), 0)) AS seq',
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
}

/**
 * S210: the statements of the `generations` table; a file opened read-only before it was added
 * has none, so every table there is of generation 0 (and nothing can be written anyway).
 */
function prepareGenerations(db: Database.Database) {
  if (!hasTable(db, 'generations'))
    return { read: () => 0, raise: () => undefined, deletedState: () => undefined }
  const select = db.prepare<[string], { generation: number }>(
    'SELECT generation FROM generations WHERE table_name = ?',
  )
  const raise = db.prepare<[string]>(
    'INSERT INTO generations (table_name, generation) VALUES (?, 1) ON CONFLICT (table_name) DO UPDATE SET generation = generation + 1',
  )
  // S235: what the last deletion kept (the table came with the generations one, or later).
  const hasStates = hasTable(db, 'deleted_states')
  const selectState = hasStates
    ? db.prepare<[string], { state: Buffer }>(
        'SELECT state FROM deleted_states WHERE table_name = ?',
      )
    : undefined
  const dropState = hasStates
    ? db.prepare<[string]>('DELETE FROM deleted_states WHERE table_name = ?')
    : undefined
  const putState = hasStates
    ? db.prepare<[string, Uint8Array]>(
        'INSERT OR REPLACE INTO deleted_states (table_name, state) VALUES (?, ?)',
      )
    : undefined
  return {
    read: (table: string): number => select.get(table)?.generation ?? 0,
    raise: (table: string, deletedState?: Uint8Array): void => {
      raise.run(table)
      dropState?.run(table)
      if (deletedState !== undefined) putState?.run(table, deletedState)
    },
    deletedState: (table: string): Uint8Array | undefined => {
      const row = selectState?.get(table)
      return row === undefined ? undefined : new Uint8Array(row.state)
    },
  }
}

/** What each Store method runs (synchronously); one transaction wherever a step reads twice or writes. */
export interface SqliteStoreSteps {
  load(table: string, afterSeq: number): StoredTable
  /** Inside a transaction only (a step of runInTurn). */
  append(table: string, updates: readonly NewUpdate[], options?: AppendOptions): number
  compact(table: string, snapshot: Uint8Array, seq: number, options: CompactOptions): void
  snapshots(table: string): SnapshotInfo[]
  readSnapshot(table: string, seq: number): Uint8Array | undefined
  readLog(table: string, afterSeq: number, limit: number): LoggedUpdate[]
  trim(table: string, seq: number): boolean
  list(): string[]
  remove(table: string, deletedState?: Uint8Array): boolean
}

/**
 * Each table's newest seq as this connection last wrote or read it, so an append does not read
 * it again every turn. Forgotten when another connection committed (SQLite's `data_version`
 * changed) and when a transaction of ours was rolled back (`forgetAll`).
 */
function createSeqCache(db: Database.Database) {
  const seqs = new Map<string, number>()
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck()
  let seenVersion: number | undefined
  return {
    /** The cached seq of `table`, after checking that no other connection wrote meanwhile. */
    get(table: string): number | undefined {
      const version = dataVersion.get()
      if (version !== seenVersion) {
        seqs.clear()
        seenVersion = version
      }
      return seqs.get(table)
    },
    set: (table: string, seq: number): void => void seqs.set(table, seq),
    forget: (table: string): void => void seqs.delete(table),
    forgetAll: (): void => {
      seqs.clear()
    },
  }
}

/**
 * The steps of a store over `db` (laid out by sqlite-layout.ts); `insideCompaction` is the
 * crash tests' hook between a compaction's two statements. `onRollback` registers what to forget
 * when a turn's transaction was rolled back (sqlite-database.ts).
 */
export function sqliteStoreSteps(
  db: Database.Database,
  insideCompaction?: () => void,
  onRollback?: (listener: () => void) => void,
): SqliteStoreSteps {
  const sql = prepareStatements(db)
  const generations = prepareGenerations(db)
  // Without a way to hear of rollbacks, the newest seq is read from the file every time.
  const cache = onRollback === undefined ? undefined : createSeqCache(db)
  if (cache !== undefined) onRollback?.(cache.forgetAll)
  // S210: in the write's own transaction, so a deletion is either before it (refused) or after.
  const checkGeneration = (table: string, generation: number | undefined): void => {
    if (generation !== undefined && generation !== generations.read(table))
      throw deletedSince(table)
  }
  const lastSeq = (table: string): number => sql.lastSeq.get(table, table)?.seq ?? 0
  // Run only as a step of a turn (runInTurn), which is a transaction: no savepoint of its own.
  const append = (
    table: string,
    updates: readonly NewUpdate[],
    options?: AppendOptions,
  ): number => {
    checkGeneration(table, options?.generation)
    let seq = cache?.get(table) ?? lastSeq(table)
    for (const { update, atMs, author } of updates)
      sql.insert.run(table, ++seq, atMs, author, update)
    cache?.set(table, seq)
    return seq
  }
  const compact = db.transaction(
    (table: string, snapshot: Uint8Array, seq: number, options: CompactOptions) => {
      cache?.forget(table)
      checkGeneration(table, options.generation)
      sql.putSnapshot.run(table, seq, options.atMs ?? 0, snapshot)
      insideCompaction?.()
      // Only an older snapshot is replaced: the newest one always holds every update up to it.
      if (options.replaces !== undefined && options.replaces < seq)
        sql.dropSnapshot.run(table, options.replaces)
    },
  )
  const trim = db.transaction((table: string, seq: number) => {
    cache?.forget(table)
    if (sql.snapshot.get(table, seq) === undefined) return false
    sql.trimLog.run(table, seq)
    sql.trimSnapshots.run(table, seq)
    return true
  })
  const remove = db.transaction((table: string, deletedState?: Uint8Array) => {
    cache?.forget(table)
    const changes = sql.deleteUpdates.run(table).changes + sql.deleteSnapshots.run(table).changes
    generations.raise(table, deletedState)
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
      generation: generations.read(table),
    }
    const deletedState = generations.deletedState(table)
    if (deletedState !== undefined) result.deletedState = deletedState
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
    load: (table, afterSeq) => load(table, afterSeq),
    append: (table, updates, options) => append(table, updates, options),
    compact(table, snapshot, seq, options) {
      compact(table, snapshot, seq, options)
    },
    snapshots: (table) =>
      sql.snapshots.all(table).map((row) => ({
        seq: row.seq,
        atMs: row.at_ms,
        byteLength: row.byteLength,
      })),
    readSnapshot(table, seq) {
      const row = sql.snapshot.get(table, seq)
      return row === undefined ? undefined : new Uint8Array(row.data)
    },
    readLog,
    trim: (table, seq) => trim(table, seq),
    list: () => sql.list.all().map((row) => row.name),
    remove: (table, deletedState) => remove(table, deletedState),
  }
}

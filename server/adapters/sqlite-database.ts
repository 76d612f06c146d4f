// Opening a SQLite file the way every SQLite adapter of the server does (WAL, a busy timeout,
// the adapter's schema), and running its synchronous steps as promises with wrapped errors.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { TesseraError } from '../../src/index.js'
import {
  startCheckpointer,
  type CheckpointPacing,
  type CheckpointPass,
  type Checkpointer,
} from './sqlite-checkpointer.js'
import { createTurn } from './sqlite-turn.js'

/** How an adapter opens its database file. */
export interface SqliteOpenOptions {
  /** The database file; its folder is created when missing. `:memory:` for a throwaway one. */
  path: string
  /** `full` fsyncs every commit; `normal` survives a crash of the process, not a power loss. */
  synchronous: 'full' | 'normal'
  /** Open read-only: the schema is not created and every write fails. Default false. */
  readonly?: boolean
  /** How long a write waits for another connection's lock; default 5,000 ms. */
  busyTimeoutMs?: number
  /** SQL run once at open (CREATE TABLE IF NOT EXISTS …). */
  schema: string
  /**
   * A turn's transaction (runInTurn) starts at least this long after the previous one started
   * (S200); 0 commits every turn at its end. Default `defaultGatherMs`.
   */
  gatherMs?: number
  /**
   * Who copies the WAL back into the file (S265): `worker`, a worker thread with its own
   * connection (sqlite-checkpointer.ts), the writer checkpointing only past `walCeilingPages`;
   * `inline` (default), the commit that takes the WAL past `walCheckpointPages`. A worker that
   * fails is reported to `onCheckpointError` and the writer goes back to `inline`'s threshold.
   */
  checkpoints?: 'worker' | 'inline'
  onCheckpointError?: (error: TesseraError) => void
  /** The worker's pacing (tests): `checkpointIntervalMs` and `walRestartFrames` by default. */
  checkpointPacing?: CheckpointPacing
}

/**
 * The default gathering window of runInTurn (S200): while commits follow each other closely (the
 * event loop is busy), the next waits until this long after the previous one began, so it
 * carries more steps; an idle server commits at the end of the turn as before.
 */
export const defaultGatherMs = 2

/**
 * The WAL size (pages) past which a commit copies the WAL back into the database file (SQLite's
 * default is 1,000) when no checkpoint worker runs (S265). A checkpoint copies each page once
 * however often the WAL holds it, and a busy server rewrites the same few pages (each table's
 * newest log page) commit after commit: ten times fewer checkpoints copy about as many pages
 * each. The WAL file grows to about 40 MiB at 4 KiB pages; nothing of durability changes
 * (docs/operations.md, "Durability").
 */
export const walCheckpointPages = 10_000

/**
 * S265: with the checkpoint worker, the WAL size (pages) past which the writer checkpoints all
 * the same: the worker starts the WAL over at `walRestartFrames`, so this is reached only when it
 * cannot keep up (a reader holding an old snapshot, a starved thread) and bounds the WAL file
 * (about 160 MiB at 4 KiB pages) even then.
 */
export const walCeilingPages = 4 * walCheckpointPages

/** An open database and the runner of its steps. */
export interface SqliteDatabase {
  readonly db: Database.Database
  /** Runs one synchronous step as a promise: STORAGE_FAILURE on SQLite's errors, CLOSED after close. */
  readonly run: <T>(where: string, body: () => T) => Promise<T>
  /**
   * Runs a write step with every other one asked for in the same turn of the event loop, in one
   * SQLite transaction (one commit for all): a step that fails rolls back alone and rejects
   * alone (STORAGE_FAILURE). Resolves once the transaction committed. A step must only write to
   * the database: when one of its turn fails, the turn is rolled back and run again with each
   * step in its own savepoint, so a step may run twice.
   */
  readonly runInTurn: <T>(where: string, body: () => T) => Promise<T>
  /**
   * Calls `listener` whenever a turn's transaction (or a step of it) was rolled back, before its
   * steps run again: what a step remembered of its writes may no longer be in the file.
   */
  readonly onRollback: (listener: () => void) => void
  /** Calls `listener` after each pass of the checkpoint worker (none without it); unsubscribes. */
  readonly onCheckpoint: (listener: (pass: CheckpointPass) => void) => () => void
  /** Closes the file (after stopping its checkpoint worker). Idempotent. */
  readonly close: () => Promise<void>
}

/**
 * Opens (or creates) a SQLite file in WAL mode and creates the adapter's tables.
 * @throws STORAGE_FAILURE when the file cannot be opened or is not a SQLite database
 */
export function openSqlite(options: SqliteOpenOptions): SqliteDatabase {
  const { path, synchronous, readonly = false, busyTimeoutMs = 5000 } = options
  let db: Database.Database
  try {
    if (path !== ':memory:' && !readonly) mkdirSync(dirname(path), { recursive: true })
    db = new Database(path, { readonly })
    db.pragma('journal_mode = WAL')
    db.pragma(`wal_autocheckpoint = ${walCheckpointPages}`)
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    db.pragma(`busy_timeout = ${busyTimeoutMs}`)
    if (!readonly) db.exec(options.schema)
  } catch (cause) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `cannot open the SQLite database "${path}": ${String(cause)}; check the path and its permissions`,
      { cause },
    )
  }
  let isClosed = false
  let closing: Promise<void> | undefined
  // A step's own refusal (a write to a deleted table, S210) keeps its code.
  const failure = (where: string, cause: unknown): TesseraError =>
    cause instanceof TesseraError
      ? cause
      : new TesseraError(
          'STORAGE_FAILURE',
          `${where}: SQLite failed on "${path}": ${String(cause)}`,
          {
            cause,
          },
        )
  const rollbackListeners: (() => void)[] = []
  const rolledBack = (): void => {
    rollbackListeners.forEach((listener) => {
      listener()
    })
  }
  const checkpointer: Checkpointer | undefined =
    options.checkpoints === 'worker' && path !== ':memory:' && !readonly
      ? startCheckpointer({
          path,
          synchronous,
          ...options.checkpointPacing,
          onError: (error) => {
            // The writer checkpoints at the usual size again (the inline behaviour).
            if (!isClosed) db.pragma(`wal_autocheckpoint = ${walCheckpointPages}`)
            options.onCheckpointError?.(error)
          },
        })
      : undefined
  if (checkpointer !== undefined) db.pragma(`wal_autocheckpoint = ${walCeilingPages}`)
  const committed = (): void => checkpointer?.committed()
  const turn = createTurn(db, failure, options.gatherMs ?? defaultGatherMs, rolledBack, {
    begin: () => checkpointer?.beginCommit() ?? true,
    end: committed,
  })
  return {
    db,
    onRollback: (listener) => void rollbackListeners.push(listener),
    onCheckpoint: (listener) => checkpointer?.onPass(listener) ?? (() => undefined),
    runInTurn(where, body) {
      if (isClosed) {
        return Promise.reject(
          new TesseraError('CLOSED', `${where}: the database is closed; open a new one`),
        )
      }
      return turn.add(where, body)
    },
    run(where, body) {
      if (isClosed) {
        return Promise.reject(
          new TesseraError('CLOSED', `${where}: the database is closed; open a new one`),
        )
      }
      try {
        return Promise.resolve(body())
      } catch (cause) {
        return Promise.reject(failure(where, cause))
      } finally {
        // A step may have committed (a compaction): the worker may have pages to copy.
        committed()
      }
    },
    close() {
      if (closing === undefined) {
        turn.flush(true)
        isClosed = true
        // The worker's connection first: the writer's close, the last, checkpoints what is left.
        closing = (checkpointer?.close() ?? Promise.resolve()).then(() => {
          db.close()
        })
      }
      return closing
    },
  }
}

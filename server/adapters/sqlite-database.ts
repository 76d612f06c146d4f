// Opening a SQLite file the way every SQLite adapter of the server does (WAL, a busy timeout,
// the adapter's schema), and running its synchronous steps as promises with wrapped errors.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { TesseraError } from '../../src/index.js'

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
}

/**
 * The default gathering window of runInTurn (S200): while commits follow each other closely (the
 * event loop is busy), the next waits until this long after the previous one began, so it
 * carries more steps; an idle server commits at the end of the turn as before.
 */
export const defaultGatherMs = 2

/**
 * The WAL size (pages) past which a commit copies the WAL back into the database file (SQLite's
 * default is 1,000). A checkpoint copies each page once however often the WAL holds it, and a
 * busy server rewrites the same few pages (each table's newest log page) commit after commit:
 * ten times fewer checkpoints copy about as many pages each. The WAL file grows to about 40 MiB
 * at 4 KiB pages; nothing of durability changes (docs/operations.md, "Durability").
 */
export const walCheckpointPages = 10_000

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
  /** Closes the file. Idempotent. */
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
  const turn = createTurn(db, failure, options.gatherMs ?? defaultGatherMs, rolledBack)
  return {
    db,
    onRollback: (listener) => void rollbackListeners.push(listener),
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
      }
    },
    close() {
      if (!isClosed) {
        turn.flush()
        isClosed = true
        db.close()
      }
      return Promise.resolve()
    },
  }
}

interface TurnStep {
  readonly where: string
  readonly body: () => unknown
  resolve(value: unknown): void
  reject(error: TesseraError): void
}

type StepResult = { value: unknown } | { error: TesseraError }

/** The steps asked for in one turn of the event loop, run in one transaction at its end. */
function createTurn(
  db: Database.Database,
  failure: (where: string, cause: unknown) => TesseraError,
  gatherMs: number,
  rolledBack: () => void,
): { add<T>(where: string, body: () => T): Promise<T>; flush(): void } {
  let steps: TurnStep[] = []
  let lastStartMs = -Infinity
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined
  // Made once: better-sqlite3 builds four wrapper functions per db.transaction() call, which
  // cost more than the savepoint itself when made per step (docs/benchmarks.md, issue 16).
  // Called inside the turn's transaction, it runs its body in a savepoint.
  const inSavepoint = db.transaction((body: () => unknown) => body())
  // The usual turn: every step in one transaction, without a savepoint each.
  const runAll = db.transaction((batch: readonly TurnStep[]) => batch.map((step) => step.body()))
  // After a step failed (the whole turn was rolled back): each step in its own savepoint, so a
  // failing step is undone alone and the others commit.
  const runIsolated = db.transaction((batch: readonly TurnStep[]) =>
    batch.map((step): StepResult => {
      try {
        return { value: inSavepoint(step.body) }
      } catch (cause) {
        return { error: failure(step.where, cause) }
      }
    }),
  )
  const flush = (): void => {
    clearTimeout(timer as NodeJS.Timeout)
    clearImmediate(timer as NodeJS.Immediate)
    timer = undefined
    const batch = steps
    steps = []
    if (batch.length === 0) return
    lastStartMs = performance.now()
    let results: StepResult[]
    try {
      results = runAll(batch).map((value) => ({ value }))
    } catch {
      rolledBack()
      try {
        results = runIsolated(batch)
      } catch (cause) {
        for (const step of batch) step.reject(failure(step.where, cause))
        return
      } finally {
        // A step that failed in its savepoint was undone alone.
        rolledBack()
      }
    }
    batch.forEach((step, index) => {
      const result = results[index]!
      if ('error' in result) step.reject(result.error)
      else step.resolve(result.value)
    })
  }
  // setImmediate runs after the I/O poll phase: the group commits of every table that read
  // messages in this turn have asked for their appends by then. S200: a commit that would
  // start within gatherMs of the previous one waits for the rest of that window instead.
  const schedule = (): NodeJS.Timeout | NodeJS.Immediate => {
    const waitMs = lastStartMs + gatherMs - performance.now()
    return waitMs > 0 ? setTimeout(flush, Math.ceil(waitMs)) : setImmediate(flush)
  }
  return {
    add<T>(where: string, body: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (steps.length === 0) timer = schedule()
        steps.push({ where, body, resolve: resolve, reject })
      })
    },
    flush,
  }
}

// A turn of the SQLite adapter (sqlite-database.ts): the write steps asked for in one turn of
// the event loop, run in one transaction (one commit for all) when the turn ends.
import type Database from 'better-sqlite3'
import type { TesseraError } from '../../src/index.js'

interface TurnStep {
  readonly where: string
  readonly body: () => unknown
  resolve(value: unknown): void
  reject(error: TesseraError): void
}

type StepResult = { value: unknown } | { error: TesseraError }

/**
 * Who a turn's commit asks first (S265): `begin()` false puts the commit off by a millisecond
 * (the checkpoint worker is copying the WAL's last frames); `end()` after the transaction.
 */
export interface CommitGate {
  begin(): boolean
  end(): void
}

/**
 * The steps asked for in one turn of the event loop, run in one transaction at its end;
 * `flush(true)` commits them now whatever the gate says (closing).
 */
export function createTurn(
  db: Database.Database,
  failure: (where: string, cause: unknown) => TesseraError,
  gatherMs: number,
  rolledBack: () => void,
  gate: CommitGate,
): { add<T>(where: string, body: () => T): Promise<T>; flush(isForced?: boolean): void } {
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
  const commit = (batch: readonly TurnStep[]): StepResult[] | undefined => {
    try {
      return runAll(batch).map((value) => ({ value }))
    } catch {
      rolledBack()
      try {
        return runIsolated(batch)
      } catch (cause) {
        for (const step of batch) step.reject(failure(step.where, cause))
        return undefined
      } finally {
        // A step that failed in its savepoint was undone alone.
        rolledBack()
      }
    }
  }
  const flush = (isForced = false): void => {
    clearTimeout(timer as NodeJS.Timeout)
    clearImmediate(timer as NodeJS.Immediate)
    timer = undefined
    if (steps.length === 0) return
    if (!isForced && !gate.begin()) {
      timer = setTimeout(flush, 1)
      return
    }
    const batch = steps
    steps = []
    lastStartMs = performance.now()
    let results: StepResult[] | undefined
    try {
      results = commit(batch)
    } finally {
      gate.end()
    }
    if (results === undefined) return
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

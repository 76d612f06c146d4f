// S265: SQLite's WAL copied back into the database file on a worker thread with its own
// connection to the file, so the writer's commits on the event loop never run a checkpoint of
// their own while the worker keeps up. Knows nothing of tables: only the file and its commits.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { TesseraError } from '../../src/index.js'

/** What one checkpoint of the worker did (SQLite's `wal_checkpoint` result, and when). */
export interface CheckpointPass {
  /** Frames in the WAL when the pass ran (since the WAL last started over). */
  readonly logFrames: number
  /** Of those, frames copied back into the database file (by this pass or earlier ones). */
  readonly checkpointedFrames: number
  /** Commits were made during the pass: the WAL holds frames it did not copy. */
  readonly isBehind: boolean
  /** No pass follows right away (it caught up, or the catch-up passes ran out). */
  readonly isLast: boolean
  /** The pass's start and end, `performance.timeOrigin`-based epoch milliseconds. */
  readonly startMs: number
  readonly endMs: number
}

/** How often the worker checkpoints, and when it starts the WAL over. */
export interface CheckpointPacing {
  /** Default `checkpointIntervalMs`. */
  intervalMs?: number
  /** Default `walRestartFrames`. */
  restartFrames?: number
}

/** The worker that checkpoints one file. */
export interface Checkpointer {
  /**
   * Before a commit of the writer's turn: false while a catch-up pass holds commits back (try
   * again in a millisecond; never for longer than maxHoldMs), else true and the commit may run
   * (`committed()` after it, also when it failed).
   */
  beginCommit(): boolean
  /** Tells the worker that the writer committed (cheap: a shared counter). */
  committed(): void
  /** Calls `listener` after each pass; returns the function that unsubscribes. */
  onPass(listener: (pass: CheckpointPass) => void): () => void
  /** Stops the worker once its pass (if any) ended, and closes its connection. Idempotent. */
  close(): Promise<void>
}

/**
 * The least time between two passes (ms) while commits follow each other, so a page rewritten
 * commit after commit (a table's newest log page) is copied once a pass, not once a commit, and
 * a pass's two fsyncs are paid a few times a second.
 */
export const checkpointIntervalMs = 500

/**
 * The WAL length (frames) past which the worker starts it over: passes follow commits until one
 * has copied every frame, and the writer's next commit then writes from the WAL's beginning.
 * Below it the WAL only grows (SQLite starts it over only when a checkpoint caught up with it).
 */
export const walRestartFrames = 10_000

/** Catch-up passes in a row at most; the next try is a pass later. */
const maxCatchUpPasses = 4

/**
 * The catch-up passes from this one on hold commits back: the first copies what was committed
 * during the long pass (some milliseconds of it), the next only what came during that one.
 */
const holdFromCatchUp = 2

/** The longest a catch-up pass holds the writer's commits back (ms); a commit waits at most this. */
const maxHoldMs = 10

// Runs in the worker (CommonJS, evaluated). The shared counters: [commits, closed, held,
// committing]. It waits for a commit, runs a PASSIVE checkpoint (never waits for a lock, never
// blocks the writer) when one is due, and before a catch-up pass holds the writer's next commits
// (\`held\`, for at most maxHoldMs) and waits for one in progress, so that pass copies every frame.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const signal = new Int32Array(workerData.signal)
const db = new Database(workerData.path, { fileMustExist: true })
db.pragma('synchronous = ' + workerData.synchronous)
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
const now = () => performance.timeOrigin + performance.now()
let seen = 0
let lastPassMs = -Infinity
let catchUps = 0
for (;;) {
  Atomics.wait(signal, 0, seen)
  if (Atomics.load(signal, 1) !== 0) break
  seen = Atomics.load(signal, 0)
  const waitMs = lastPassMs + workerData.intervalMs - now()
  if (catchUps === 0 && waitMs > 0) {
    Atomics.wait(signal, 1, 0, waitMs)
    continue
  }
  if (catchUps >= workerData.holdFrom) {
    Atomics.store(signal, 2, 1)
    const until = now() + workerData.maxHoldMs
    while (Atomics.load(signal, 3) !== 0 && now() < until) Atomics.wait(signal, 3, 1, 1)
    seen = Atomics.load(signal, 0)
  }
  const startMs = now()
  let result
  try {
    result = checkpoint.get()
  } finally {
    Atomics.store(signal, 2, 0)
  }
  const endMs = now()
  lastPassMs = startMs
  // SQLite reports the WAL as the pass found it: frames committed meanwhile are left for the next.
  const isBehind = result.log > result.checkpointed || Atomics.load(signal, 0) !== seen
  // Once the WAL is long, passes follow commits until one copies every frame: the writer's next
  // commit then starts the WAL over from its beginning.
  const isLong = result.log >= workerData.restartFrames
  catchUps = isBehind && isLong && catchUps < workerData.maxCatchUps ? catchUps + 1 : 0
  parentPort.postMessage({
    logFrames: result.log,
    checkpointedFrames: result.checkpointed,
    isBehind,
    isLast: catchUps === 0,
    startMs,
    endMs,
  })
}
db.close()
`

/**
 * Starts the checkpoint worker of the WAL-mode file at `path` (which must exist), with the
 * writer's `synchronous` setting, so a checkpoint fsyncs as the writer's own would: the WAL
 * before it is copied, the database file after. `onError` hears a worker that failed (it is not
 * restarted; the writer's own checkpoint at `wal_autocheckpoint` keeps the WAL bounded).
 * Returns undefined when worker threads are unavailable.
 */
export function startCheckpointer(
  options: CheckpointPacing & {
    path: string
    synchronous: 'full' | 'normal'
    onError?: (error: TesseraError) => void
  },
): Checkpointer | undefined {
  const signal = new Int32Array(new SharedArrayBuffer(16))
  let worker: Worker
  try {
    worker = new Worker(workerSource, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path: options.path,
        synchronous: options.synchronous === 'full' ? 'FULL' : 'NORMAL',
        signal: signal.buffer,
        intervalMs: options.intervalMs ?? checkpointIntervalMs,
        maxCatchUps: maxCatchUpPasses,
        maxHoldMs,
        holdFrom: holdFromCatchUp,
        restartFrames: options.restartFrames ?? walRestartFrames,
      },
    })
  } catch {
    return undefined
  }
  // It never keeps the process alive: the server's close stops it.
  worker.unref()
  const listeners = new Set<(pass: CheckpointPass) => void>()
  worker.on('message', (pass: CheckpointPass) => {
    for (const listener of listeners) listener(pass)
  })
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      resolve()
    })
  })
  let isStopped = false
  let heldSinceMs: number | undefined
  worker.on('error', (cause) => {
    isStopped = true
    Atomics.store(signal, 2, 0)
    options.onError?.(
      new TesseraError(
        'STORAGE_FAILURE',
        `the WAL checkpoint worker of "${options.path}" failed: ${String(cause)}; the writer checkpoints the WAL itself from now on`,
        { cause },
      ),
    )
  })
  return {
    beginCommit() {
      // Announced before the hold is read, as the worker holds before it reads this: one of the
      // two always sees the other.
      Atomics.store(signal, 3, 1)
      if (Atomics.load(signal, 2) === 0) {
        heldSinceMs = undefined
        return true
      }
      const nowMs = performance.now()
      heldSinceMs ??= nowMs
      if (nowMs - heldSinceMs >= maxHoldMs) return true
      Atomics.store(signal, 3, 0)
      Atomics.notify(signal, 3)
      return false
    },
    committed() {
      Atomics.store(signal, 3, 0)
      Atomics.notify(signal, 3)
      Atomics.add(signal, 0, 1)
      Atomics.notify(signal, 0)
    },
    onPass(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    async close() {
      if (!isStopped) {
        isStopped = true
        Atomics.store(signal, 1, 1)
        Atomics.add(signal, 0, 1)
        Atomics.notify(signal, 0)
        Atomics.notify(signal, 1)
      }
      await exited
    },
  }
}

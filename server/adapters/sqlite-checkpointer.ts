// Checkpoints a WAL-mode SQLite file from a worker thread with a connection of its own, so that
// copying the WAL into the database and its fsyncs never stop the event loop (SQLite would
// otherwise run them inside the commit that crosses 1,000 WAL pages). Knows nothing about Tessera.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

/** A running checkpointer. */
export interface Checkpointer {
  /** Tells it the file was written: it checkpoints at its next tick. */
  noteWrite(): void
  /** Stops the worker and closes its connection. Idempotent. */
  close(): Promise<void>
}

/** How often the worker looks for written pages to copy. */
const tickMs = 100
/**
 * The WAL size (pages) at which a commit on the main thread checkpoints after all: only when the
 * worker cannot keep up or is gone, so the WAL stays bounded (SQLite's default is 1,000).
 */
const backstopPages = 16_000

// CommonJS, run with `eval`: the bundled server has no file of its own for the worker.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.betterSqlite3)
const db = new Database(workerData.path)
db.pragma('busy_timeout = 5000')
const written = new Int32Array(workerData.flag)
const timer = setInterval(() => {
  if (Atomics.exchange(written, 0, 0) === 0) return
  // PASSIVE: copies what no reader needs without waiting for, or blocking, the writer.
  try { db.pragma('wal_checkpoint(PASSIVE)') } catch (error) { parentPort.postMessage(String(error)) }
}, workerData.tickMs)
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close() })
`

/**
 * Starts checkpointing `path`, the file `db` writes, from a worker thread, and turns `db`'s own
 * checkpoints into a backstop (`backstopPages`). Committed data does not depend on checkpoints:
 * a commit is durable in the WAL as before. `onError` gets what the worker reports; if the worker
 * fails, `db` checkpoints on its own again at SQLite's default size.
 */
export function startCheckpointer(
  db: Database.Database,
  path: string,
  onError: (message: string) => void,
): Checkpointer {
  const flag = new SharedArrayBuffer(4)
  const written = new Int32Array(flag)
  const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { path, flag, tickMs, betterSqlite3 },
  })
  // A server with nothing else to do may still exit.
  worker.unref()
  db.pragma(`wal_autocheckpoint = ${backstopPages}`)
  let isRunning = true
  const stopped = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      resolve()
    })
  })
  const fallBack = (message: string): void => {
    onError(`the WAL checkpoint thread failed (the server checkpoints on its own): ${message}`)
    if (isRunning && db.open) db.pragma('wal_autocheckpoint = 1000')
    isRunning = false
  }
  worker.on('message', (message: string) => {
    onError(`WAL checkpoint: ${message}`)
  })
  worker.on('error', (error) => {
    fallBack(String(error))
  })
  return {
    noteWrite() {
      Atomics.store(written, 0, 1)
    },
    async close() {
      if (!isRunning) return
      isRunning = false
      // Waited for: the worker closes its connection before the file's last one closes.
      worker.ref()
      worker.postMessage('close')
      await stopped
    },
  }
}

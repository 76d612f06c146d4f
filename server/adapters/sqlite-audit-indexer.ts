// The background step that builds the SQLite audit log's index (sqlite-audit-index.ts) off the
// hot path: some seconds after an append it indexes every new `audit_turns` row, a chunk at a
// time, so a row touched many times in that while gets one index entry, not one per record.
// Nothing is lost to a crash: rows past the index are indexed later and read by a scan till then.
import type Database from 'better-sqlite3'
import { chunkRows, type AuditIndex } from './sqlite-audit-index.js'

/** The background indexer of `db`: `wake()` after an append; `close()` stops it. */
export function createBackgroundIndexer(
  db: Database.Database,
  index: AuditIndex,
  /** How long after an append the step runs (rows written meanwhile join its chunk). */
  afterMs: number,
): { wake(): void; close(): void } {
  let timer: NodeJS.Timeout | undefined
  let isClosed = false
  const indexSome = db.transaction(() => index.indexChunk(chunkRows))
  const schedule = (ms: number): void => {
    if (timer !== undefined || isClosed) return
    timer = setTimeout(step, ms)
    timer.unref()
  }
  const step = (): void => {
    timer = undefined
    if (isClosed) return
    try {
      // A full chunk leaves more behind it: the next one in a turn of its own.
      if (indexSome.immediate() === chunkRows) schedule(0)
    } catch {
      // Tried again after the next append; prune indexes synchronously and reports failures.
    }
  }
  return {
    wake: () => {
      schedule(afterMs)
    },
    close() {
      isClosed = true
      clearTimeout(timer)
    },
  }
}

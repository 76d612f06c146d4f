// The background step that builds the SQLite audit log's index (sqlite-audit-index.ts) off the
// hot path: it reads new `audit_turns` rows a slice at a time and gathers their keys in memory,
// and writes them as one chunk once it is old or large enough, so a row touched many times in
// that while gets one index entry, not one per record. Nothing it holds is needed after a crash:
// the rows past the index are indexed again, and until then read by a scan.
import type Database from 'better-sqlite3'
import type { AuditIndex, KeysOfChunk } from './sqlite-audit-index.js'

/** When the background index writes a chunk. */
export interface IndexTiming {
  /** A chunk is written this long after its first row was read, or when it is full. */
  chunkMs: number
}

/** How many rows one step reads, and the most one chunk gathers. */
const sliceRows = 2000
const chunkMaxRows = 50_000
/** How often a step looks for new rows while a chunk is gathered. */
const stepMs = 1000

/** The background indexer of `db`: `wake()` after an append; `close()` stops it. */
export function createBackgroundIndexer(
  db: Database.Database,
  index: AuditIndex,
  timing: IndexTiming,
): { wake(): void; close(): void } {
  let gathered: { chunk: KeysOfChunk; after: number; sinceMs: number } | undefined
  let timer: NodeJS.Timeout | undefined
  let isClosed = false
  // Written only when no one indexed meanwhile (a prune, another connection): else gathered anew.
  const write = db.transaction((chunk: KeysOfChunk, after: number) => {
    if (index.indexedThrough() === after) index.writeChunk(chunk)
  })
  const schedule = (afterMs: number): void => {
    if (timer !== undefined || isClosed) return
    timer = setTimeout(step, afterMs)
    timer.unref()
  }
  const step = (): void => {
    timer = undefined
    if (isClosed) return
    try {
      const after = gathered?.after ?? index.indexedThrough()
      const before = gathered?.chunk.rows ?? 0
      const chunk = index.readInto(gathered?.chunk, sliceRows)
      if (chunk === undefined) return
      gathered ??= { chunk, after, sinceMs: Date.now() }
      const isDue = Date.now() - gathered.sinceMs >= timing.chunkMs || chunk.rows >= chunkMaxRows
      if (isDue) {
        write.immediate(chunk, gathered.after)
        gathered = undefined
      }
      const isBehind = chunk.rows - before === sliceRows
      schedule(isBehind ? 0 : Math.min(stepMs, timing.chunkMs))
    } catch {
      // Tried again after the next append; prune indexes synchronously and reports failures.
      gathered = undefined
    }
  }
  return {
    wake: () => {
      schedule(Math.min(stepMs, timing.chunkMs))
    },
    close() {
      isClosed = true
      clearTimeout(timer)
    },
  }
}

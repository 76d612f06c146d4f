// The background step that builds the SQLite audit log's index (sqlite-audit-index.ts) off the
// hot path: some seconds after an append it indexes the new `audit_turns` rows as one chunk, a
// slice per turn of the event loop, so a row touched many times in that while gets one index
// entry, not one per record, and no slice holds the loop for long. Nothing is lost to a crash:
// rows past the index are indexed later and read by a scan till then.
import type Database from 'better-sqlite3'
import { chunkRows, type AuditIndex } from './sqlite-audit-index.js'

/**
 * How many rows one slice indexes: about 1.5 ms of SQLite at one record a row (S266; 2,000 rows
 * held the loop 12–16 ms a slice at 5,000 updates a second, docs/benchmarks.md, issue 16).
 */
export const sliceRows = 250

/** A slice of the background index that failed: SQLite's error, and whose records it held. */
export interface AuditIndexFailure {
  readonly error: unknown
  /** The tables of the first rows it was indexing (empty when they cannot be read either). */
  readonly tables: string[]
}

/** The tables of the rows past `last()` (up to one slice), or none when they cannot be read. */
const tablesAfter = (db: Database.Database, last: () => number): string[] => {
  try {
    return db
      .prepare<[number, number], string>(
        'SELECT DISTINCT table_name FROM (SELECT table_name FROM audit_turns WHERE last_seq > ? ORDER BY last_seq LIMIT ?) ORDER BY 1',
      )
      .pluck()
      .all(last(), sliceRows)
  } catch {
    return []
  }
}

/**
 * The background indexer of `db`: `wake()` after an append; `close()` stops it. `onFailure`
 * hears each failed slice (tried again after the next append; reads scan past the index).
 */
export function createBackgroundIndexer(
  db: Database.Database,
  index: AuditIndex,
  /** How long after an append the chunk starts (rows written meanwhile join it). */
  afterMs: number,
  onFailure: (failure: AuditIndexFailure) => void = () => undefined,
): { wake(): void; close(): void } {
  // The wait after an append is a timer; each next slice an immediate, so that the loop polls
  // I/O between two slices (two timers due together would run back to back in one phase).
  let timer: NodeJS.Timeout | undefined
  let immediate: NodeJS.Immediate | undefined
  let isClosed = false
  let chunk: { after: number; last: number; rows: number } | undefined
  const slice = db.transaction((first: number, after: number) =>
    index.indexSlice(first, after, sliceRows),
  )
  // Closed only when no one indexed meanwhile (a prune, another connection); else dropped (its
  // entries name a chunk that is never closed or closed by whoever indexed: harmless).
  const close = db.transaction((after: number, last: number) => {
    if (index.indexedThrough() === after) index.closeChunk(after + 1, last)
  })
  const schedule = (ms: number | 'next turn'): void => {
    if (timer !== undefined || immediate !== undefined || isClosed) return
    if (ms === 'next turn') immediate = setImmediate(step).unref()
    else timer = setTimeout(step, ms).unref()
  }
  const step = (): void => {
    timer = undefined
    immediate = undefined
    if (isClosed) return
    try {
      chunk ??= { after: index.indexedThrough(), last: index.indexedThrough(), rows: 0 }
      const { rows, last } = slice.immediate(chunk.after + 1, chunk.last)
      chunk.rows += rows
      chunk.last = last
      const isCaughtUp = rows < sliceRows
      if (isCaughtUp || chunk.rows >= chunkRows) {
        if (chunk.rows > 0) close.immediate(chunk.after, chunk.last)
        chunk = undefined
      }
      if (!isCaughtUp) schedule('next turn')
    } catch (error) {
      // Tried again after the next append; prune indexes synchronously and reports failures.
      const last = chunk?.last
      chunk = undefined
      onFailure({ error, tables: tablesAfter(db, () => last ?? index.indexedThrough()) })
    }
  }
  return {
    wake: () => {
      schedule(afterMs)
    },
    close() {
      isClosed = true
      clearTimeout(timer)
      clearImmediate(immediate)
    },
  }
}

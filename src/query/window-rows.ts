// The rows a live query's window shows: read from the source once, projected to `select`, and
// then kept up to date from the diffs themselves (O(window) per diff, no index reads).
import type { RowId } from '../ids.js'
import type { Row } from '../row.js'
import type { MatchingRows, QuerySource } from './matching-rows.js'
import { projectRow } from './query-match.js'
import { applyDiff, diffWindows, type WindowChanges } from './window-diff.js'

/** A window as ranks of the result: `limit` rows from `offset` (no limit: all). */
export interface WindowBounds {
  readonly offset: number
  readonly limit: number | undefined
}

/** The rows of one live query's window. */
export interface WindowRows {
  readonly bounds: WindowBounds
  /** The rank after the window's last row (Infinity without a limit). */
  end(): number
  /** The window's rows, in order. */
  rows(): Row[]
  /** A row of the result as the window shows it. */
  rowOf(id: RowId): Row
  /** Rows read while a change is applied (MatchingRows.apply fills it; update empties it). */
  readonly read: Map<RowId, Row>
  /** Forgets everything read, for a query evaluated from scratch with this `select`. */
  reset(select: readonly string[] | undefined): void
  /**
   * Forgets the rows of `ids`, which a change touched, and returns those that were shown (S25
   * compares against them). Every row of the window is cached while its rows are materialized.
   */
  forget(ids: Iterable<RowId>): Map<RowId, Row>
  /** Turns the rows into the new ones with the diff of a change. */
  update(changes: WindowChanges | undefined): void
  /** Shows another slice; returns what changed in the rows (S26). */
  move(bounds: WindowBounds): WindowChanges
}

/** The window `initial` over `matching`; rows are read from `source` when first shown. */
export function createWindowRows(
  matching: MatchingRows,
  source: QuerySource,
  initial: WindowBounds,
): WindowRows {
  let bounds = initial
  let select: readonly string[] | undefined
  const cache = new Map<RowId, Row>()
  let current: Row[] | undefined
  const read = new Map<RowId, Row>()
  // The touched rows as they were shown, between forget and update.
  const shown = new Map<RowId, Row>()

  const rowOf = (id: RowId): Row => {
    let row = cache.get(id)
    if (row === undefined) {
      row = projectRow(select, read.get(id) ?? source.getRow(id)!)
      cache.set(id, row)
    }
    return row
  }
  const end = (): number => (bounds.limit === undefined ? Infinity : bounds.offset + bounds.limit)
  const rows = (): Row[] => (current ??= matching.idsIn(bounds.offset, end()).map(rowOf))

  return {
    get bounds() {
      return bounds
    },
    end,
    rows,
    rowOf,
    read,
    reset(next) {
      select = next
      cache.clear()
      current = undefined
    },
    forget(ids) {
      shown.clear()
      for (const id of ids) {
        const cached = cache.get(id)
        if (cached === undefined) continue
        shown.set(id, cached)
        cache.delete(id)
      }
      return shown
    },
    update(changes) {
      read.clear()
      for (const { id } of changes?.removed ?? []) shown.delete(id)
      // A touched row that stays and was not read again shows no new value (its written cells,
      // if any, are not visible): the row shown before is still the row shown.
      for (const [id, row] of shown) if (!cache.has(id)) cache.set(id, row)
      shown.clear()
      if (changes === undefined) return
      for (const { id } of changes.removed) cache.delete(id)
      if (current !== undefined) current = applyDiff(current, changes)
    },
    move(next) {
      const previous = rows()
      bounds = next
      current = undefined
      // Cached rows are always current (a change drops the rows it touches), so rows that stay
      // in the window keep their objects (S119); the cache keeps only the new window's rows.
      const moved = rows()
      if (cache.size > moved.length) {
        const kept = new Set(moved.map((row) => row.id))
        for (const id of cache.keys()) if (!kept.has(id)) cache.delete(id)
      }
      return diffWindows(previous, moved)
    },
  }
}

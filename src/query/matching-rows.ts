// The rows that match one parsed query, in the query's order: one sort code per row in an
// ordered index, kept up to date from table changes at O(touched rows × log n), never a rescan
// (the index itself is built when first needed after a reset, see unindexed.ts).
import type { RowId } from '../ids.js'
import { createOrderedIndex, type OrderedIndex } from '../ordered-index.js'
import type { Row, TableChange } from '../row.js'
import type { Position } from '../row-order.js'
import type { ParsedQuery } from './query.js'
import { matchesCondition, sortValuesOf } from './query-match.js'
import { idOfSortCode, sortCode, sortCodePrefix } from './sort-code.js'
import { scanUnindexed, type QuerySource, type Unindexed } from './unindexed.js'
import type { Touch } from './window-ranks.js'

export type { QuerySource } from './unindexed.js'

/** The matching rows of a source under one parsed query. */
export interface MatchingRows {
  readonly size: number
  /** The id of the row at `rank` (0 ≤ rank < size). */
  idAt(rank: number): RowId
  /** The ids of the rows ranked from `start` to `end` (exclusive), in order. */
  idsIn(start: number, end: number): RowId[]
  /**
   * Evaluates `query` from scratch over every row of the source. The whole order is built when
   * first needed: a first window of few rows is selected without it.
   */
  reset(query: ParsedQuery): void
  /**
   * Installs a result computed elsewhere (in steps, see src/window/sort-index.ts): `entries` maps
   * each matching row to its `sortCodeOf` (the map is taken over), and `sorted` holds those codes
   * in order.
   */
  load(query: ParsedQuery, entries: Map<RowId, string>, sorted: string[]): void
  /** Forgets every row (while the query cannot run, S22). */
  clear(): void
  /** Drops the index build planned after open (the query was disposed); reads still work. */
  stop(): void
  /**
   * Applies one change: every touched row leaves and, if it matches, comes back at its new
   * place. Returns the touched rows with their ranks before and after (-1: absent), and puts
   * the matching rows it read into `read`.
   */
  apply(change: TableChange, read: Map<RowId, Row>): Touch[]
}

/** A matching row in the ordered index: its sort code (sort values, then manual order, then id). */
type Entry = string

const compare = (a: Entry, b: Entry): number => (a < b ? -1 : a > b ? 1 : 0)

/** An index of sort codes, from codes already sorted. */
const codeIndex = (sorted: Entry[] = []): OrderedIndex<Entry> =>
  createOrderedIndex(compare, sorted, { sorted: true, prefix: sortCodePrefix })

// Few touched rows: their ranks come from delete and insert themselves, corrected for each other
// (O(k²) with k small). Many: each is searched again (O(k log n)).
const fewTouches = 32

/** The matching rows of `source`; empty until `reset` gives them a query. */
export function createMatchingRows(source: QuerySource): MatchingRows {
  let query: ParsedQuery | undefined
  let entries = new Map<RowId, Entry>()
  let index = codeIndex()
  // Evaluated at reset and ordered when first needed: a first window of few rows is selected.
  let unindexed: Unindexed | undefined

  /** Builds the id map and the ordered index of an unindexed result. */
  const indexed = (): void => {
    if (unindexed === undefined) return
    const { ids, codes } = unindexed.sorted()
    unindexed = undefined
    for (let at = 0; at < ids.length; at++) entries.set(ids[at]!, codes[at]!)
    // Codes come in the query's order, theirs (S20): the default sort only checks it, cheaply.
    index = codeIndex(codes.sort())
  }

  const entryOf = (id: RowId, read?: Map<RowId, Row>): Entry | undefined => {
    const row = source.getRow(id)
    if (row === undefined || !matchesCondition(query!.where, row)) return undefined
    read?.set(id, row)
    return sortCodeOf(query!, row, source.getPosition(id)!)
  }

  const touchesOf = (change: TableChange): Touch[] => {
    const touches: Touch[] = []
    const seen = new Set<RowId>()
    const touch = (id: RowId): void => {
      if (seen.has(id)) return
      seen.add(id)
      touches.push({ id, before: entries.get(id), oldRank: -1, newRank: -1 })
    }
    change.added.forEach(touch)
    change.deleted.forEach(touch)
    for (const id of change.updated.keys()) touch(id)
    change.moved.forEach(touch)
    return touches
  }

  const apply = (change: TableChange, read: Map<RowId, Row>): Touch[] => {
    indexed()
    const touches = touchesOf(change)
    const isFew = touches.length <= fewTouches
    if (!isFew) for (const touch of touches) touch.oldRank = rankOf(touch.before as Entry)
    const removedRanks: number[] = []
    for (const touch of touches) {
      if (touch.before === undefined) continue
      const rank = index.delete(touch.before as Entry)
      if (isFew) touch.oldRank = originalRank(rank, removedRanks)
    }
    const inserted: [Touch, Entry][] = []
    for (const touch of touches) {
      const after = entryOf(touch.id, read)
      if (after === undefined) {
        // Rows that stay are overwritten below: one map write instead of a delete and a set.
        if (touch.before !== undefined) entries.delete(touch.id)
        continue
      }
      touch.newRank = index.insert(after)
      entries.set(touch.id, after)
      inserted.push([touch, after])
    }
    inserted.forEach(([touch, after], position) => {
      if (!isFew) touch.newRank = index.indexOf(after)
      else {
        for (let later = position + 1; later < inserted.length; later++)
          if (compare(inserted[later]![1], after) < 0) touch.newRank++
      }
    })
    return touches
  }

  const rankOf = (entry: Entry | undefined): number =>
    entry === undefined ? -1 : index.indexOf(entry)

  const sizeOf = (): number => (unindexed === undefined ? index.size : unindexed.size)
  // Built right after open, so the first window is shown first and the first edit seldom pays.
  const indexSoon = laterTask(indexed)

  const clear = (): void => {
    indexSoon.cancel()
    unindexed = undefined
    entries.clear()
    index = codeIndex()
  }

  return {
    get size() {
      return sizeOf()
    },
    idAt(rank) {
      const top = unindexed?.top(rank + 1)
      if (top !== undefined) return top[rank]!
      indexed()
      return idOfSortCode(index.at(rank)!)
    },
    idsIn(start, end) {
      const stop = Math.min(end, sizeOf())
      const top = unindexed?.top(stop)
      if (top !== undefined) return top.slice(start, stop)
      indexed()
      return index.slice(start, stop).map(idOfSortCode)
    },
    reset(next) {
      clear()
      query = next
      unindexed = scanUnindexed(source, next)
      if (unindexed.size > 0) indexSoon.schedule()
    },
    load(next, loaded, sorted) {
      unindexed = undefined
      query = next
      entries = loaded
      index = codeIndex(sorted)
    },
    clear,
    stop: indexSoon.cancel,
    apply,
  }
}

/** `run` in a task of its own (a timer of 0 that keeps no Node process alive), at most once. */
function laterTask(run: () => void): { schedule: () => void; cancel: () => void } {
  let pending: unknown
  const cancel = (): void => {
    if (pending !== undefined) clearTimeout(pending)
    pending = undefined
  }
  const schedule = (): void => {
    cancel()
    pending = setTimeout(() => {
      pending = undefined
      run()
    }, 0)
    ;(pending as { unref?: () => void }).unref?.()
  }
  return { schedule, cancel }
}

/** The entry of a matching row in the index: its sort code under `query`. */
export function sortCodeOf(query: ParsedQuery, row: Row, position: Position): string {
  return sortCode(query.orderBy, sortValuesOf(query.orderBy, row), position, row.id)
}

/**
 * The rank an entry had before earlier deletions: `rank` is its index once the entries at the
 * sorted original ranks `removed` are gone. Records it in `removed`.
 */
function originalRank(rank: number, removed: number[]): number {
  let original = rank
  let position = 0
  while (position < removed.length && removed[position]! <= original) {
    original++
    position++
  }
  removed.splice(position, 0, original)
  return original
}

// A live query: a query's result kept up to date from the table's change events, one diff per
// transaction, at a cost of O(touched rows × log n): an ordered index of the matching rows, no rescan.
import { notifyAll } from './notify.js'
import { TesseraError, isTesseraError } from './errors.js'
import type { ColumnId, RowId } from './ids.js'
import { createOrderedIndex, type OrderedIndex } from './ordered-index.js'
import { parseQuery, type ParsedQuery, type Query } from './query.js'
import { matchesCondition, projectRow, sortValuesOf } from './query-match.js'
import type { TableChange } from './row-state.js'
import { idOfSortCode, sortCode, sortCodePrefix } from './sort-code.js'
import type { Row, Table } from './table.js'
import {
  applyDiff,
  diffWindows,
  type DiffSource,
  type LiveQueryDiff,
  type WindowChanges,
} from './window-diff.js'
import { windowChanges, type Touch } from './window-ranks.js'

/** The slice of the result a live query shows: `limit` rows from `offset` (no limit: all). */
export interface QueryWindow {
  readonly offset?: number
  readonly limit?: number | undefined
}

/** A query's result, kept up to date as the table changes (locally or from other replicas). */
export interface LiveQuery {
  /** The current window of the result, in order. */
  readonly rows: readonly Row[]
  /** The number of matching rows (the whole result, not only the window). */
  readonly total: number
  /** Set while the query cannot run on the table's current schema (S22). */
  readonly error: TesseraError | undefined
  readonly window: { readonly offset: number; readonly limit: number | undefined }
  /** Calls `handler` with one diff per transaction that changed the window or total. */
  subscribe(handler: (diff: LiveQueryDiff) => void): () => void
  /** Shows another slice of the result; subscribers get one diff with source "window". */
  setWindow(window: QueryWindow): void
  /** Stops following the table; the live query keeps its last rows. */
  dispose(): void
}

/** A matching row in the ordered index: its sort code (sort values, then manual order, then id). */
type Entry = string

const compare = (a: Entry, b: Entry): number => (a < b ? -1 : a > b ? 1 : 0)

/** An index of sort codes, from codes already sorted. */
const codeIndex = (sorted: Entry[] = []): OrderedIndex<Entry> =>
  createOrderedIndex(compare, sorted, { sorted: true, prefix: sortCodePrefix })

/**
 * Runs `query` on `table` and keeps the result up to date. Prefer `table.liveQuery(query)`.
 * @example
 * const q = createLiveQuery(table, { where: { done: false }, orderBy: [['priority', 'desc']], limit: 50 })
 * const stop = q.subscribe((diff) => render(diff.rows))
 * @throws INVALID_QUERY when the query does not fit the table's current schema
 */
export function createLiveQuery(table: Table, query: Query): LiveQuery {
  let parsed: ParsedQuery = parseQuery(query, table.columns())
  // A copy, so a caller reusing its query object cannot change what a later re-parse (S22, S23)
  // sees; the query was just checked, so it is plain data (a Date operand becomes its ISO text).
  const input = JSON.parse(JSON.stringify(query)) as Query
  let error: TesseraError | undefined
  let window = { offset: parsed.offset, limit: parsed.limit }
  const entries = new Map<RowId, Entry>()
  const rowCache = new Map<RowId, Row>()
  let rowsCache: Row[] | undefined
  let visibleColumns = new Map<ColumnId, string>()
  const handlers = new Set<(diff: LiveQueryDiff) => void>()

  let index = codeIndex()

  const rankOf = (entry: Entry | undefined): number =>
    entry === undefined ? -1 : index.indexOf(entry)

  // Rows read while handling the current change: a row entering the window is read once, not twice.
  const justRead = new Map<RowId, Row>()

  const readEntry = (id: RowId, isChange = false): Entry | undefined => {
    const row = table.getRow(id)
    if (row === undefined || !matchesCondition(parsed.where, row)) return undefined
    if (isChange) justRead.set(id, row)
    return sortCode(parsed.orderBy, sortValuesOf(parsed.orderBy, row), table.getPosition(id)!, id)
  }

  const rowOf = (id: RowId): Row => {
    let row = rowCache.get(id)
    if (row === undefined) {
      row = projectRow(parsed.select, justRead.get(id) ?? table.getRow(id)!)
      rowCache.set(id, row)
    }
    return row
  }

  const end = (): number => (window.limit === undefined ? Infinity : window.offset + window.limit)

  const currentRows = (): Row[] =>
    (rowsCache ??= index
      .slice(window.offset, Math.min(end(), index.size))
      .map((entry) => rowOf(idOfSortCode(entry))))

  /** Evaluates from scratch: at creation and after a schema change (S22, S23). */
  const build = (): void => {
    entries.clear()
    rowCache.clear()
    rowsCache = undefined
    index = codeIndex()
    try {
      parsed = parseQuery(input, table.columns())
      error = undefined
    } catch (caught) {
      if (!isTesseraError(caught, 'INVALID_QUERY')) throw caught
      error = new TesseraError(
        'INVALID_QUERY',
        `live query: ${caught.message}; the schema changed under the query, which shows no rows until it fits again`,
        { cause: caught, details: caught.details },
      )
      return
    }
    const matching: Entry[] = []
    for (const id of table.rowIds()) {
      const entry = readEntry(id)
      if (entry === undefined) continue
      matching.push(entry)
      entries.set(id, entry)
    }
    // The default sort compares strings by code unit, the order of sort codes, without a callback.
    index = codeIndex(matching.sort())
    visibleColumns = new Map()
    for (const column of table.columns()) {
      if (parsed.select === undefined || parsed.select.includes(column.name))
        visibleColumns.set(column.id, column.name)
    }
  }

  const emit = (
    changes: WindowChanges,
    total: number,
    source: DiffSource,
    origin: unknown,
  ): void => {
    for (const { id } of changes.removed) rowCache.delete(id)
    if (handlers.size === 0) return
    // Built field by field: an object spread here costs more than the rest of the diff.
    const diff: LiveQueryDiff = {
      added: changes.added,
      removed: changes.removed,
      updated: changes.updated,
      moved: changes.moved,
      rows: currentRows(),
      total,
      source,
      origin,
      error,
    }
    notifyAll(handlers, diff)
  }

  const isEmpty = (changes: WindowChanges): boolean =>
    changes.added.length +
      changes.removed.length +
      changes.moved.length +
      changes.updated.length ===
    0

  const rebuild = (source: DiffSource, origin: unknown): void => {
    const previous = currentRows()
    const previousTotal = live.total
    const previousError = error
    build()
    const changes = diffWindows(previous, currentRows())
    if (isEmpty(changes) && previousTotal === live.total && previousError === error) return
    emit(changes, live.total, source, origin)
  }

  const onChange = (change: TableChange): void => {
    if (change.schemaChanged) {
      rebuild(change.source, change.origin)
      return
    }
    if (error !== undefined) return
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
    const previousSize = index.size
    // Few touched rows: take the ranks from delete and insert themselves and correct them for
    // each other (O(k²) with k small). Many: search each one again (O(k log n)).
    const isFew = touches.length <= 32
    if (!isFew) for (const touch of touches) touch.oldRank = rankOf(touch.before as Entry)
    const removedRanks: number[] = []
    for (const touch of touches) {
      rowCache.delete(touch.id)
      if (touch.before === undefined) continue
      const rank = index.delete(touch.before as Entry)
      if (isFew) touch.oldRank = originalRank(rank, removedRanks)
    }
    const inserted: [Touch, Entry][] = []
    for (const touch of touches) {
      const after = readEntry(touch.id, true)
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
    const changes = windowChanges({
      touches,
      window: { start: window.offset, end: end() },
      previousSize,
      size: index.size,
      idAt: (rank) => idOfSortCode(index.at(rank)!),
      rowOf,
      changedColumns: (id) => {
        const columns = change.updated.get(id)
        if (columns === undefined) return []
        const names: string[] = []
        for (const [columnId, name] of visibleColumns) if (columns.has(columnId)) names.push(name)
        return names
      },
    })
    justRead.clear()
    // Nothing visible changed, so the materialized rows stay what subscribers last saw (S25).
    if (isEmpty(changes) && previousSize === index.size) return
    // The diff turns the rows subscribers saw into the new ones: O(window), no index reads.
    if (rowsCache !== undefined) rowsCache = applyDiff(rowsCache, changes)
    emit(changes, index.size, change.source, change.origin)
  }

  let stopListening: (() => void) | undefined = table.on('change', onChange)
  build()

  const live: LiveQuery = {
    get rows() {
      return error === undefined ? currentRows() : []
    },
    get total() {
      return error === undefined ? index.size : 0
    },
    get error() {
      return error
    },
    get window() {
      return { ...window }
    },
    subscribe(handler) {
      if (typeof handler !== 'function') {
        throw new TesseraError('INVALID_ARGUMENT', 'subscribe: expected a function (diff) => void')
      }
      handlers.add(handler)
      // Diffs are relative to these rows: materialize them before the first change can land.
      currentRows()
      return () => {
        handlers.delete(handler)
      }
    },
    setWindow(next) {
      if (stopListening === undefined) {
        throw new TesseraError(
          'CLOSED',
          'setWindow: this live query was disposed; create a new one',
        )
      }
      const checked = checkWindow(next)
      const previous = currentRows()
      window = checked
      rowsCache = undefined
      // Cached rows are always current (a change drops the rows it touches), so rows that stay
      // in the window keep their objects (S119); the cache keeps only the new window's rows.
      const rows = currentRows()
      if (rowCache.size > rows.length) {
        const kept = new Set(rows.map((row) => row.id))
        for (const id of rowCache.keys()) if (!kept.has(id)) rowCache.delete(id)
      }
      const changes = diffWindows(previous, rows)
      if (!isEmpty(changes)) emit(changes, live.total, 'window', undefined)
    },
    dispose() {
      stopListening?.()
      stopListening = undefined
      rowsCache = currentRows()
      handlers.clear()
    },
  }
  return live
}

function checkWindow(window: unknown): { offset: number; limit: number | undefined } {
  if (typeof window !== 'object' || window === null) {
    throw new TesseraError('INVALID_ARGUMENT', 'setWindow: expected { offset, limit }')
  }
  const { offset = 0, limit, ...rest } = window as { offset?: unknown; limit?: unknown }
  const extra = Object.keys(rest)[0]
  if (extra !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `setWindow: unknown key "${extra}"; expected offset and limit`,
    )
  }
  for (const [name, value] of [
    ['offset', offset],
    ['limit', limit],
  ] as const) {
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    ) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `setWindow: ${name} must be a whole number of rows (0 or more)`,
      )
    }
  }
  return { offset: offset as number, limit: limit as number | undefined }
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

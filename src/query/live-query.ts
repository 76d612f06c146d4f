// A live query: a query's result kept up to date from the table's change events, one diff per
// transaction, at a cost of O(touched rows × log n) (matching-rows.ts), plus its window of rows.
import { notifyAll } from '../notify.js'
import { TesseraError, isTesseraError } from '../errors.js'
import type { ColumnId } from '../ids.js'
import type { Row, TableChange } from '../row.js'
import type { Column } from '../schema.js'
import { createMatchingRows, type QuerySource } from './matching-rows.js'
import { parseQuery } from './parse-query.js'
import type { ParsedQuery, Query } from './query.js'
import {
  diffWindows,
  sameValue,
  type DiffSource,
  type LiveQueryDiff,
  type WindowChanges,
} from './window-diff.js'
import { windowChanges } from './window-ranks.js'
import { createWindowRows } from './window-rows.js'

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

/**
 * Runs `query` on `table` and keeps the result up to date. Prefer `table.liveQuery(query)`.
 * @example
 * const q = createLiveQuery(table, { where: { done: false }, orderBy: [['priority', 'desc']], limit: 50 })
 * const stop = q.subscribe((diff) => render(diff.rows))
 * @throws INVALID_QUERY when the query does not fit the table's current schema
 */
export function createLiveQuery(table: QuerySource, query: Query): LiveQuery {
  let parsed: ParsedQuery = parseQuery(query, table.columns())
  // A copy, so a caller reusing its query object cannot change what a later re-parse (S22, S23)
  // sees; the query was just checked, so it is plain data (a Date operand becomes its ISO text).
  const input = JSON.parse(JSON.stringify(query)) as Query
  let error: TesseraError | undefined
  const matching = createMatchingRows(table)
  const view = createWindowRows(matching, table, { offset: parsed.offset, limit: parsed.limit })
  let visibleColumns = new Map<ColumnId, string>()
  const handlers = new Set<(diff: LiveQueryDiff) => void>()

  /** Evaluates from scratch: at creation and after a schema change (S22, S23). */
  const build = (): void => {
    matching.clear()
    const next = parseAgain(input, table)
    if (next instanceof TesseraError) {
      error = next
      view.reset(undefined)
      return
    }
    parsed = next
    error = undefined
    view.reset(parsed.select)
    matching.reset(parsed)
    visibleColumns = visibleColumnsOf(table.columns(), parsed.select)
  }

  const emit = (changes: WindowChanges, source: DiffSource, origin: unknown): void => {
    if (handlers.size === 0) return
    notifyAll(handlers, diffOf(changes, view.rows(), live.total, source, origin, error))
  }

  const rebuild = (source: DiffSource, origin: unknown): void => {
    const [previous, previousTotal, previousError] = [view.rows(), live.total, error]
    build()
    const changes = diffWindows(previous, view.rows())
    const isSame = previousTotal === live.total && previousError?.message === error?.message
    if (!isEmpty(changes) || !isSame) emit(changes, source, origin)
  }

  const onChange = (change: TableChange): void => {
    if (change.schemaChanged) {
      rebuild(change.source, change.origin)
      return
    }
    if (error !== undefined) return
    const previousSize = matching.size
    const touches = matching.apply(change, view.read)
    // The rows as subscribers last saw them, to tell which written cells show a new value.
    const shown = view.forget(touches.map(({ id }) => id))
    const changes = windowChanges({
      touches,
      window: { start: view.bounds.offset, end: view.end() },
      previousSize,
      size: matching.size,
      idAt: (rank) => matching.idAt(rank),
      rowOf: (id) => view.rowOf(id),
      changedColumns: (id) => {
        const written = change.updated.get(id)
        if (written === undefined) return []
        return shownChanges(written, visibleColumns, shown.get(id), () => view.rowOf(id))
      },
    })
    // Nothing visible changed, so the rows stay what subscribers last saw (S21, S25).
    const isQuiet = isEmpty(changes) && previousSize === matching.size
    view.update(isQuiet ? undefined : changes)
    if (!isQuiet) emit(changes, change.source, change.origin)
  }

  let stopListening: (() => void) | undefined = table.on('change', onChange)
  build()

  const live: LiveQuery = {
    get rows() {
      return error === undefined ? view.rows() : []
    },
    get total() {
      return error === undefined ? matching.size : 0
    },
    get error() {
      return error
    },
    get window() {
      return { ...view.bounds }
    },
    subscribe(handler) {
      if (typeof handler !== 'function') {
        throw new TesseraError('INVALID_ARGUMENT', 'subscribe: expected a function (diff) => void')
      }
      handlers.add(handler)
      // Diffs are relative to these rows: materialize them before the first change can land.
      view.rows()
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
      const changes = view.move(checkWindow(next))
      if (!isEmpty(changes)) emit(changes, 'window', undefined)
    },
    dispose() {
      stopListening?.()
      stopListening = undefined
      view.rows()
      matching.stop()
      handlers.clear()
    },
  }
  return live
}

/** A diff, built field by field: an object spread here costs more than the rest of the diff. */
function diffOf(
  changes: WindowChanges,
  rows: readonly Row[],
  total: number,
  source: DiffSource,
  origin: unknown,
  error: TesseraError | undefined,
): LiveQueryDiff {
  const { added, removed, updated, moved } = changes
  return { added, removed, updated, moved, rows, total, source, origin, error }
}

/** The ids and names of the columns a result row carries. */
function visibleColumnsOf(
  columns: readonly Column[],
  select: readonly string[] | undefined,
): Map<ColumnId, string> {
  const visible = new Map<ColumnId, string>()
  for (const column of columns)
    if (select === undefined || select.includes(column.name)) visible.set(column.id, column.name)
  return visible
}

/** The query checked again against the current schema, or the error that puts it on hold (S22). */
function parseAgain(input: Query, table: QuerySource): ParsedQuery | TesseraError {
  try {
    return parseQuery(input, table.columns())
  } catch (caught) {
    if (!isTesseraError(caught, 'INVALID_QUERY')) throw caught
    return new TesseraError(
      'INVALID_QUERY',
      `live query: ${caught.message}; the schema changed under the query, which shows no rows until it fits again`,
      { cause: caught, details: caught.details },
    )
  }
}

/**
 * The names of the visible columns among `written` whose value changed (S21, S25): a cell
 * written with the value it showed is no change. A row that was never materialized was never
 * seen, so every write to it counts.
 */
function shownChanges(
  written: ReadonlySet<ColumnId>,
  visibleColumns: ReadonlyMap<ColumnId, string>,
  before: Row | undefined,
  after: () => Row,
): string[] {
  const names: string[] = []
  for (const [columnId, name] of visibleColumns) {
    if (!written.has(columnId)) continue
    if (before === undefined || !sameValue(before[name], after()[name])) names.push(name)
  }
  return names
}

const isEmpty = (changes: WindowChanges): boolean =>
  changes.added.length + changes.removed.length + changes.moved.length + changes.updated.length ===
  0

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

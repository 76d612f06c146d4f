// A live query as a React external store: created on first read, kept while a component is
// subscribed, disposed a moment after the last one leaves (or after a render React dropped).
import type { TesseraError } from '../../src/index.js'
import {
  isTesseraError,
  type LiveQuery,
  type Query,
  type QueryWindow,
  type Row,
  type Table,
} from '../../src/index.js'

/** What `useLiveQuery` returns: one immutable snapshot per diff (S120). */
export interface LiveQueryResult {
  /** The window's rows, in order; a row keeps its object until it changes (S119). */
  readonly rows: readonly Row[]
  /** Every matching row, not only the window. */
  readonly total: number
  /** The index in the whole result of `rows[0]`. */
  readonly offset: number
  /** Set while the query does not fit the table's schema (S22): no rows then. */
  readonly error: TesseraError | undefined
}

/** A live query in the shape useSyncExternalStore takes (functions that need no `this`). */
export interface QueryStore {
  readonly subscribe: (onChange: () => void) => () => void
  readonly getSnapshot: () => LiveQueryResult
  readonly setWindow: (window: QueryWindow) => void
}

/** The snapshot without a table (not connected yet). */
export const emptyResult: LiveQueryResult = { rows: [], total: 0, offset: 0, error: undefined }

/** How long a live query nobody subscribes to is kept before it is disposed. */
const graceMs = 1000

const read = (live: LiveQuery): LiveQueryResult => ({
  rows: live.rows,
  total: live.total,
  offset: live.window.offset,
  error: live.error,
})

/**
 * A store over `table.liveQuery(query)` shown through `window`. Nothing happens until it is
 * read; a query that does not fit the schema yet is retried on every schema change.
 */
export function createQueryStore(table: Table, query: Query, window: QueryWindow): QueryStore {
  let live: LiveQuery | undefined
  let stop: (() => void) | undefined
  let snapshot = emptyResult
  let current = window
  let orphanTimer: ReturnType<typeof setTimeout> | undefined
  const listeners = new Set<() => void>()
  const notify = (): void => {
    for (const listener of [...listeners]) listener()
  }

  const open = (): void => {
    try {
      const { limit } = current
      live = table.liveQuery({
        ...query,
        offset: current.offset ?? 0,
        ...(limit === undefined ? {} : { limit }),
      })
    } catch (error) {
      if (!isTesseraError(error, 'INVALID_QUERY')) throw error
      snapshot = { ...emptyResult, error }
      // A column the query names may arrive from another replica: try again then.
      stop = table.on('change', (change) => {
        if (!change.schemaChanged) return
        stop?.()
        open()
        notify()
      })
      return
    }
    const opened = live
    snapshot = read(opened)
    stop = opened.subscribe(() => {
      snapshot = read(opened)
      notify()
    })
  }
  const close = (): void => {
    stop?.()
    live?.dispose()
    stop = live = undefined
  }
  const closeUnlessSubscribed = (): void => {
    clearTimeout(orphanTimer)
    orphanTimer = setTimeout(() => {
      if (listeners.size === 0) close()
    }, graceMs)
  }
  const isOpen = (): boolean => stop !== undefined

  return {
    getSnapshot: () => {
      if (!isOpen()) {
        open()
        if (listeners.size === 0) closeUnlessSubscribed()
      }
      return snapshot
    },
    subscribe: (listener) => {
      clearTimeout(orphanTimer)
      if (!isOpen()) open()
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) closeUnlessSubscribed()
      }
    },
    setWindow: (next) => {
      if (next.offset === current.offset && next.limit === current.limit) return
      current = next
      live?.setWindow({ offset: next.offset ?? 0, limit: next.limit })
    },
  }
}

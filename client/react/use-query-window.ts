// useQueryConnection and useQueryWindow: a window client (connectQuery) owned by a component,
// and its window as React state, one render per diff, rows that keep their objects until they
// change, and a window that follows the component's props (S155).
import { useLayoutEffect, useMemo, useSyncExternalStore } from 'react'
import type { Row, TesseraError } from '../../src/index.js'
import { connectQuery, type QueryConnection } from '../query/connect-query.js'
import type { ConnectQueryOptions } from '../query/query-options.js'
import { useOwned, type OnCloseError } from './use-connection.js'

/** What `useQueryWindow` returns: one immutable snapshot per change. */
export interface QueryWindowResult {
  /** The window's rows, in order, own edits applied; a row keeps its object until it changes. */
  readonly rows: readonly Row[]
  /** Every row matching the query on the server, not only the window. */
  readonly total: number
  /** The index in the whole result of `rows[0]`. */
  readonly offset: number
  /** Set while the server refuses the window (INVALID_QUERY) or closed the connection. */
  readonly error: TesseraError | undefined
}

const empty: QueryWindowResult = { rows: [], total: 0, offset: 0, error: undefined }
interface WindowStore {
  readonly subscribe: (onChange: () => void) => () => void
  readonly getSnapshot: () => QueryWindowResult
}
const noStore: WindowStore = { subscribe: () => () => undefined, getSnapshot: () => empty }

/**
 * Opens `connectQuery(options)` for as long as the component is mounted: undefined on the first
 * render and while `options` is null; options with the same content (compared as JSON) keep the
 * connection, other ones close it and open another. Move the window with `useQueryWindow`'s
 * `window`, not with `options.offset`/`limit` (those are the first window only, and reopen).
 * @example
 * const q = useQueryConnection({ url, table: 'events', query: { orderBy: [['at', 'desc']] } })
 * const { rows, total } = useQueryWindow(q, { offset: 0, limit: 50 })
 * @throws INVALID_ARGUMENT (from connectQuery) to the nearest error boundary
 */
export function useQueryConnection(
  options: ConnectQueryOptions | null | undefined,
  onCloseError?: OnCloseError,
): QueryConnection | undefined {
  return useOwned(options, connectQuery, onCloseError)
}

/**
 * The rows of a window client as React state (S155): the component renders again once per diff
 * of the window or the total (and when the window's error changes); rows the diff did not touch
 * are the objects of the render before, so `React.memo` row components skip them. A new
 * `window` (e.g. from scrolling) moves the connection's window. Empty while `conn` is undefined.
 */
export function useQueryWindow(
  conn: QueryConnection | undefined,
  window?: { offset: number; limit: number },
): QueryWindowResult {
  const store = useMemo(() => (conn === undefined ? undefined : createWindowStore(conn)), [conn])
  const offset = window?.offset
  const limit = window?.limit
  useLayoutEffect(() => {
    if (conn === undefined || offset === undefined || limit === undefined) return
    if (conn.window.offset === offset && conn.window.limit === limit) return
    conn.setWindow({ offset, limit })
  }, [conn, offset, limit])
  const source = store ?? noStore
  return useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot)
}

/** A snapshot store over a QueryConnection: a new snapshot only when what it shows changed. */
function createWindowStore(conn: QueryConnection): WindowStore {
  let snapshot = read(conn, undefined)
  return {
    subscribe(onChange) {
      const update = (): void => {
        const next = read(conn, snapshot)
        if (next === snapshot) return
        snapshot = next
        onChange()
      }
      const stops = [conn.subscribe(update), conn.on('error', update), conn.on('status', update)]
      // A diff may have come between the render and the subscription.
      update()
      return () => {
        for (const stop of stops) stop()
      }
    },
    getSnapshot: () => snapshot,
  }
}

function read(conn: QueryConnection, before: QueryWindowResult | undefined): QueryWindowResult {
  const { rows, total, error } = conn
  const offset = conn.window.offset
  if (
    before !== undefined &&
    before.total === total &&
    before.offset === offset &&
    before.error === error &&
    before.rows.length === rows.length &&
    before.rows.every((row, index) => row === rows[index])
  )
    return before
  return { rows, total, offset, error }
}

// useLiveQuery: a live query's window as React state, one render per diff, rows that keep their
// objects until they change (S119, S120), and a window that follows the component's props.
import { useLayoutEffect, useMemo, useSyncExternalStore } from 'react'
import type { Query, QueryWindow, Table } from '../../src/index.js'
import { createQueryStore, emptyResult, type LiveQueryResult } from './query-store.js'

export type { LiveQueryResult } from './query-store.js'

const noStore = {
  subscribe: () => () => undefined,
  getSnapshot: () => emptyResult,
}

/**
 * Runs `query` on `table` as a live query and returns its current window (S120). The component
 * renders again once per diff that changes the window or the total; rows the diff did not
 * touch are the same objects as before (S119), so `React.memo` row components skip them.
 * A query with other content (compared as JSON) starts a new live query; a new `window` (e.g.
 * from scrolling) moves the existing one. `window` overrides `offset`/`limit` in the query.
 * While `table` is undefined the result is empty. A query that does not fit the schema gives
 * `error` (INVALID_QUERY) and no rows, and runs once the schema fits.
 * @example
 * const { rows, total } = useLiveQuery(table, { where: { done: false } }, { offset: 0, limit: 50 })
 */
export function useLiveQuery(
  table: Table | undefined,
  query: Query,
  window?: QueryWindow,
): LiveQueryResult {
  const queryKey = JSON.stringify(query)
  const offset = window?.offset ?? query.offset ?? 0
  const limit = window === undefined ? query.limit : window.limit
  const store = useMemo(
    () =>
      table === undefined
        ? undefined
        : createQueryStore(table, JSON.parse(queryKey) as Query, { offset, limit }),
    // The window of a new store is the one of its first render; later ones go to setWindow.
    [table, queryKey],
  )
  useLayoutEffect(() => {
    store?.setWindow({ offset, limit })
  }, [store, offset, limit])
  const source = store ?? noStore
  return useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot)
}

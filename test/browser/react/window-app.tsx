// The window side of the React harness (`?mode=window`): a window client (useQueryConnection)
// whose rows are memoized row components that count their renders, driven by the test.
import { memo, useEffect, useState } from 'react'
import type { Row } from '../../../src/index.js'
import {
  useConnectionStatus,
  useQueryConnection,
  useQueryWindow,
  useSaved,
} from '../../../client/react/index.js'

/** What the test reads and drives. */
export interface WindowHarness {
  renders: Record<string, number>
  /** Commits of the window component (effects run once per commit, StrictMode or not). */
  commits: number
  setWindow(window: { offset: number; limit: number }): void
  conn: unknown
}

const unset = (): void => undefined
export const windowHarness: WindowHarness = {
  renders: {},
  commits: 0,
  setWindow: unset,
  conn: undefined,
}

const RowView = memo(function RowView({ row }: { row: Row }) {
  windowHarness.renders[row.id] = (windowHarness.renders[row.id] ?? 0) + 1
  return <li data-row={row.id}>{typeof row.title === 'string' ? row.title : ''}</li>
})

/** The rows of `orderBy title asc` in a window that the test moves. */
export function WindowTable({ table }: { table: string }) {
  const conn = useQueryConnection({
    url: location.origin,
    table,
    query: { orderBy: [['title', 'asc']] },
    limit: 20,
  })
  windowHarness.conn = conn
  const status = useConnectionStatus(conn)
  const { unsaved } = useSaved(conn)
  const [window, setWindow] = useState({ offset: 0, limit: 20 })
  windowHarness.setWindow = setWindow
  const { rows, total, offset } = useQueryWindow(conn, window)
  useEffect(() => {
    windowHarness.commits++
  })
  return (
    <main>
      <p id="status">{status}</p>
      <p id="unsaved">{unsaved}</p>
      <p id="total">{total}</p>
      <ol id="rows" start={offset + 1}>
        {rows.map((row) => (
          <RowView key={row.id} row={row} />
        ))}
      </ol>
    </main>
  )
}

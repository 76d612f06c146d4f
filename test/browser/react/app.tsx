// A small React app over tessera/react, for the Chromium tests of the hooks: a table's rows in
// memoized row components that count their renders, the connection's state, and the peers.
import { memo, StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import type { Row } from '../../../src/index.js'
import {
  useColumns,
  useConnection,
  useConnectionStatus,
  useLiveQuery,
  usePresence,
  useSaved,
  useUndo,
} from '../../../client/react/index.js'
import { WindowTable, windowHarness } from './window-app.js'

const params = new URLSearchParams(location.search)
const table = params.get('table') ?? 'react'
const isWindow = params.get('mode') === 'window'

/** What the test reads and drives: render counts per row id and the app's setters. */
interface Harness {
  renders: Record<string, number>
  setWindow(window: { offset: number; limit: number }): void
  setFilter(text: string): void
  setMounted(mounted: boolean): void
  conn: unknown
}
const unset = (): void => undefined
const harness: Harness = {
  renders: {},
  setWindow: unset,
  setFilter: unset,
  setMounted: unset,
  conn: undefined,
}
Object.assign(window, { harness, windowHarness })

/** One row; memoized, so it renders again only when its row object changed (S119). */
const RowView = memo(function RowView({ row }: { row: Row }) {
  harness.renders[row.id] = (harness.renders[row.id] ?? 0) + 1
  return <li data-row={row.id}>{typeof row.title === 'string' ? row.title : ''}</li>
})

function Table() {
  const conn = useConnection({
    url: location.origin,
    table,
    columns: [{ name: 'title', type: 'string' }],
    user: { id: 'page', name: 'Page', color: '#4363d8' },
  })
  harness.conn = conn
  const status = useConnectionStatus(conn)
  const { unsaved } = useSaved(conn)
  const { peers } = usePresence(conn)
  const { canUndo } = useUndo(conn)
  const columns = useColumns(conn?.table)
  const [window, setWindow] = useState({ offset: 0, limit: 20 })
  const [filter, setFilter] = useState('')
  harness.setWindow = setWindow
  harness.setFilter = setFilter
  const query = filter === '' ? {} : { where: { title: { contains: filter } } }
  const { rows, total, offset } = useLiveQuery(conn?.table, query, window)
  return (
    <main>
      <p id="status">{status}</p>
      <p id="unsaved">{unsaved}</p>
      <p id="undo">{String(canUndo)}</p>
      <p id="columns">{columns.map((column) => column.name).join(',')}</p>
      <p id="peers">{peers.map((peer) => `${peer.user.name}@${peer.selection?.row ?? ''}`)}</p>
      <p id="total">{total}</p>
      <ol id="rows" start={offset + 1}>
        {rows.map((row) => (
          <RowView key={row.id} row={row} />
        ))}
      </ol>
    </main>
  )
}

function App() {
  const [mounted, setMounted] = useState(true)
  harness.setMounted = setMounted
  if (!mounted) return <p id="unmounted">unmounted</p>
  return isWindow ? <WindowTable table={table} /> : <Table />
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)

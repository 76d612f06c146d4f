// The open table: the tool bars, the grid over a live query of the current view, the history
// and conflict panels, the popups and the notices. Everything reaches the table through
// tessera/react's hooks.
import { useEffect, useMemo, useRef, useState } from 'react'
import { CompactSelection, type GridSelection } from '@glideapps/glide-data-grid'
import type { Connection } from '../index.js'
import {
  useColumns,
  useConflicts,
  useLiveQuery,
  usePermissions,
  usePresence,
} from '../react/index.js'
import { ConflictsPanel } from './conflicts-panel.js'
import { EditBar } from './edit-bar.js'
import { Grid, type GridApi } from './grid.js'
import { CsvTools } from './csv-tools.js'
import { HistoryPanel } from './history-panel.js'
import { NoticeList, type Notices } from './notices.js'
import { useReady, useScrollEvents } from './page-hooks.js'
import { Popups, type Popup } from './popups.js'
import { useRowActions } from './row-actions.js'
import type { Session } from './session.js'
import { TableBar } from './table-bar.js'
import { useDrafts } from './use-drafts.js'
import { queryOf, useViewState } from './view-state.js'

const noSelection: GridSelection = {
  columns: CompactSelection.empty(),
  rows: CompactSelection.empty(),
}

export interface WorkspaceProps {
  readonly session: Session
  readonly conn: Connection | undefined
  readonly notices: Notices
}

export function Workspace({ session, conn, notices }: WorkspaceProps) {
  const ready = useReady(conn, session.create)
  if (conn === undefined || !ready)
    return (
      <div className="app">
        <TableBar session={session} conn={conn} notices={notices} onDeleteTable={() => undefined} />
        <main className="loading">Loading “{session.table}”…</main>
      </div>
    )
  return <OpenTable session={session} conn={conn} notices={notices} />
}

function OpenTable({ session, conn, notices }: WorkspaceProps & { conn: Connection }) {
  const view = useViewState(session.table)
  const columns = useColumns(conn.table)
  const shown = useMemo(
    () => columns.filter((c) => !view.hidden.includes(c.id)),
    [columns, view.hidden],
  )
  const query = useMemo(() => queryOf(columns, view), [columns, view])
  const [window, setWindow] = useState({ offset: 0, limit: 200 })
  const result = useLiveQuery(conn.table, query, window)
  const [selection, setSelection] = useState<GridSelection>(noSelection)
  const drafts = useDrafts()
  const conflicts = useConflicts(conn)
  const { peers } = usePresence(conn)
  const permissions = usePermissions(conn)
  const [popup, setPopup] = useState<Popup>()
  const [isHistoryOpen, setHistoryOpen] = useState(false)
  const api = useRef<GridApi>()
  const scroll = useScrollEvents()
  const rowsFrom = (index: number, count: number) =>
    index >= result.offset && index + count <= result.offset + result.rows.length
      ? result.rows.slice(index - result.offset, index - result.offset + count)
      : conn.table.query({ ...query, offset: index, limit: count })
  const isManualOrder = view.sort === null && view.filter === ''
  const actions = useRowActions({
    conn,
    query,
    result,
    selection,
    clearSelection: () => {
      setSelection(noSelection)
    },
    columnCount: shown.length,
    isManualOrder,
    rowsFrom,
    api,
    notices,
  })
  // What the browser tests and the benchmarks read (window.demo): the state, and when the
  // rows were in memory and the first window was rendered (ms since navigation start).
  const times = useRef({
    dataMs: performance.now(),
    firstWindowMs: undefined as number | undefined,
  })
  useEffect(() => {
    if (times.current.firstWindowMs === undefined && result.rows.length > 0) {
      times.current.firstWindowMs = performance.now()
      document.body.dataset.firstWindow = 'true'
    }
    const state = { conn, result, selection, columns: shown, api, ready: true, ...times.current }
    Object.assign(globalThis, { demo: state })
    document.body.dataset.loaded = 'true'
  })

  const active = selection.current?.cell
  const activeRow = active === undefined ? undefined : rowsFrom(active[1], 1)[0]
  const activeColumn = active === undefined ? undefined : shown[active[0]]
  const canAdminister = permissions?.canAdminister !== false
  return (
    <div className="app">
      <TableBar
        session={session}
        conn={conn}
        notices={notices}
        onDeleteTable={() => {
          setPopup({ kind: 'delete-table' })
        }}
      />
      <EditBar
        conn={conn}
        permissions={permissions}
        view={view}
        total={result.total}
        selectedRows={actions.selectedRows}
        isManualOrder={isManualOrder}
        hiddenCount={columns.length - shown.length}
        isHistoryOpen={isHistoryOpen}
        onToggleHistory={() => {
          setHistoryOpen((open) => !open)
        }}
        onAddRow={actions.addRow}
        onDeleteRows={actions.deleteRows}
        onMove={actions.move}
        onGenerate={actions.generate}
        onError={notices.error}
        tools={<CsvTools session={session} notices={notices} />}
      />
      <main className="workspace">
        <Grid
          conn={conn}
          columns={shown}
          result={result}
          query={query}
          view={view}
          selection={selection}
          onSelectionChange={setSelection}
          drafts={drafts}
          conflicts={conflicts}
          peers={peers}
          canEdit={permissions?.canUpdateRows !== false}
          canAdminister={canAdminister}
          onWindow={setWindow}
          onColumnMenu={(column, bounds) => {
            setPopup({ kind: 'menu', column, bounds })
          }}
          onRename={(column) => {
            setPopup({ kind: 'rename', column })
          }}
          onAppendRow={actions.appendRow}
          onError={notices.error}
          onScroll={scroll}
          api={api}
        />
        {isHistoryOpen && (
          <HistoryPanel
            session={session}
            conn={conn}
            peers={peers}
            cell={
              activeRow === undefined || activeColumn === undefined || active === undefined
                ? undefined
                : { row: activeRow.id, number: active[1] + 1, column: activeColumn.name }
            }
            onClose={() => {
              setHistoryOpen(false)
            }}
          />
        )}
        <ConflictsPanel conn={conn} conflicts={conflicts} />
      </main>
      <Popups
        popup={popup}
        setPopup={setPopup}
        session={session}
        conn={conn}
        view={view}
        shown={shown}
        canAdminister={canAdminister}
        api={api.current}
        notices={notices}
      />
      <NoticeList notices={notices} />
    </div>
  )
}

// The spreadsheet grid: Glide Data Grid over a live query's window (tessera/react). Glide brings
// the keyboard model, ranges, copy and fill; this file wires them to the table, the window to
// the scroll position, and presence to the selection.
import { useCallback, useMemo, useRef, type MutableRefObject } from 'react'
import { flushSync } from 'react-dom'
import {
  DataEditor,
  GridCellKind,
  type DataEditorRef,
  type GridSelection,
  type Rectangle,
} from '@glideapps/glide-data-grid'
import type { Column, Conflict, Query } from '../../src/index.js'
import type { Connection, Peer } from '../index.js'
import type { LiveQueryResult } from '../react/index.js'
import { cellKey } from './edits.js'
import { provideEditor } from './editors.js'
import { CellNote, EmptyState, PeerTags, type OnScroll } from './grid-overlays.js'
import { useGridHandlers } from './grid-handlers.js'
import { useGridModel } from './grid-model.js'
import { useGridColumns, useWindowing } from './grid-view.js'
import { highlightsOf, placePeers, publishSelection } from './peers.js'
import type { Drafts } from './use-drafts.js'
import type { ViewState } from './view-state.js'

/** What the page asks of the grid: select and show a cell, find a header. */
export interface GridApi {
  readonly focusCell: (col: number, row: number) => void
  readonly headerBounds: (col: number) => Rectangle | undefined
  readonly cellBounds: (col: number, row: number) => Rectangle | undefined
  /** The text the canvas draws in a cell (tests read it). */
  readonly displayText: (col: number, row: number) => string | undefined
}

export interface GridProps {
  readonly conn: Connection
  readonly columns: readonly Column[]
  readonly result: LiveQueryResult
  readonly query: Query
  readonly view: ViewState
  readonly selection: GridSelection
  readonly onSelectionChange: (selection: GridSelection) => void
  readonly drafts: Drafts
  readonly conflicts: readonly Conflict[]
  readonly peers: readonly Peer[]
  readonly canEdit: boolean
  readonly canAdminister: boolean
  readonly onWindow: (window: { offset: number; limit: number }) => void
  readonly onColumnMenu: (column: Column, bounds: Rectangle) => void
  readonly onRename: (column: Column) => void
  readonly onAppendRow: () => void
  readonly onError: (error: unknown) => void
  readonly onScroll: { subscribe: OnScroll; emit: () => void }
  readonly api: MutableRefObject<GridApi | undefined>
}

export function Grid(props: GridProps) {
  const { conn, columns, result, view, selection, drafts, conflicts } = props
  const gridRef = useRef<DataEditorRef>(null)
  const container = useRef<HTMLDivElement>(null)
  const isReadOnly = !props.canEdit
  const nameOf = useCallback(
    (clientId: number) => conn.presence.userOf(clientId)?.name ?? `client ${clientId}`,
    [conn],
  )
  const model = useGridModel({
    table: conn.table,
    columns,
    result,
    query: props.query,
    drafts: drafts.byCell,
    conflicts,
    isReadOnly,
    nameOf,
  })
  const select = useCallback(
    (next: GridSelection) => {
      props.onSelectionChange(next)
      publishSelection(conn, next, columns, model)
    },
    [props, conn, columns, model],
  )
  const handlers = useGridHandlers(
    {
      table: conn.table,
      columns,
      model,
      selection,
      setSelection: select,
      onDrafts: drafts.apply,
      onError: props.onError,
      isReadOnly,
      container,
    },
    result.total,
  )

  props.api.current = {
    focusCell(col, row) {
      // Glide must hold the new selection before it gets the focus: a key typed in between would
      // otherwise open the editor on the old cell, or be lost.
      flushSync(() => {
        select({
          ...selection,
          current: {
            cell: [col, row],
            range: { x: col, y: row, width: 1, height: 1 },
            rangeStack: [],
          },
        })
      })
      gridRef.current?.scrollTo(col, row)
      gridRef.current?.focus()
    },
    headerBounds: (col) => plain(gridRef.current?.getBounds(col, -1)),
    cellBounds: (col, row) => plain(gridRef.current?.getBounds(col, row)),
    displayText: (col, row) => {
      const cell = model.getCellContent([col, row])
      return cell.kind === GridCellKind.Text ? cell.displayData : undefined
    },
  }

  const gridColumns = useGridColumns(columns, view)
  const onVisibleRegionChanged = useWindowing(props.onWindow, props.onScroll.emit)
  const placed = useMemo(
    () => placePeers(conn.presence.user, props.peers, result.rows, result.offset, columns),
    [conn, props.peers, result, columns],
  )
  const active = selection.current?.cell
  const activeRow = active === undefined ? undefined : model.rowsFrom(active[1], 1)[0]
  const activeColumn = active === undefined ? undefined : columns[active[0]]
  const draft =
    activeRow === undefined || activeColumn === undefined
      ? undefined
      : drafts.byCell.get(cellKey(activeRow.id, activeColumn.id))
  const conflict =
    activeRow === undefined || activeColumn === undefined
      ? undefined
      : model.conflictAt(activeRow.id, activeColumn.name)
  const isManual = view.sort === null && view.filter === ''
  const overlay = { grid: gridRef, container, onScroll: props.onScroll.subscribe }

  return (
    <div className="grid-wrap" ref={container} data-total={result.total}>
      <DataEditor
        ref={gridRef}
        width="100%"
        height="100%"
        columns={gridColumns}
        rows={result.total}
        getCellContent={model.getCellContent}
        getCellsForSelection={model.getCellsForSelection}
        gridSelection={selection}
        onGridSelectionChange={select}
        onCellsEdited={handlers.onCellsEdited}
        onDelete={handlers.onDelete}
        provideEditor={provideEditor}
        onVisibleRegionChanged={onVisibleRegionChanged}
        highlightRegions={highlightsOf(placed)}
        rowMarkers={{ kind: 'clickable-number', startIndex: 1 }}
        cellActivationBehavior="double-click"
        keybindings={{ paste: false, downFill: true, rightFill: true, delete: 'Backspace|Delete' }}
        fillHandle={!isReadOnly}
        smoothScrollX
        smoothScrollY
        onColumnResize={(column, size) => {
          if (column.id !== undefined) view.setWidth(column.id, size)
        }}
        {...(props.canAdminister ? { onColumnMoved: handlers.onColumnMoved } : {})}
        onHeaderMenuClick={(col, bounds) => {
          const column = columns[col]
          if (column !== undefined) props.onColumnMenu(column, bounds)
        }}
        onHeaderClicked={(col, event) => {
          const column = columns[col]
          // After Glide has handled the click (it focuses the grid), or the box would lose focus.
          if (event.isDoubleClick === true && column !== undefined && props.canAdminister)
            setTimeout(() => {
              props.onRename(column)
            })
        }}
        {...(isManual && !isReadOnly
          ? {
              trailingRowOptions: { hint: 'New row', sticky: true, tint: true },
              onRowAppended: () => {
                props.onAppendRow()
              },
            }
          : {})}
      />
      <PeerTags placed={placed} {...overlay} />
      {draft !== undefined && (
        <CellNote cell={active} kind="error" {...overlay}>
          {draft.message}. Fix it, or press Delete to clear it.
        </CellNote>
      )}
      {draft === undefined && conflict !== undefined && (
        <CellNote cell={active} kind="conflict" {...overlay}>
          {conflict}
        </CellNote>
      )}
      {columns.length === 0 ? (
        <EmptyState reason="no-columns" />
      ) : result.total === 0 ? (
        <EmptyState reason={view.filter === '' ? 'no-rows' : 'no-matches'} />
      ) : null}
    </div>
  )
}

/** A rectangle as plain data (Glide returns DOMRects). */
const plain = (rect: Rectangle | undefined): Rectangle | undefined =>
  rect === undefined ? undefined : { x: rect.x, y: rect.y, width: rect.width, height: rect.height }

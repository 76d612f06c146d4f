// The demo in window mode, for tables above windowThreshold rows: a window client
// (connectQuery through tessera/react) holds only the rows in view, the grid edits cells and
// inserts and deletes rows through it, and a badge says how many rows are loaded. What a window
// client cannot do (undo, presence, conflicts, history, columns, sort, paste and fill) is off,
// and the page says so.
import { useEffect, useMemo, useRef, useState } from 'react'
import {
  CompactSelection,
  DataEditor,
  type DataEditorRef,
  type EditListItem,
  type GridCell,
  type GridSelection,
  type Item,
} from '@glideapps/glide-data-grid'
import type { Column } from '../../src/index.js'
import type { QueryConnection } from '../query/connect-query.js'
import {
  useConnectionStatus,
  useQueryConnection,
  useQueryWindow,
  useSaved,
} from '../react/index.js'
import { editedValue, gridCellOf, loadingCell, refOf } from './cells.js'
import { provideEditor } from './editors.js'
import { useGridColumns, useWindowing } from './grid-view.js'
import { NoticeList, type Notices } from './notices.js'
import { openTable, type Session } from './session.js'
import { storeNameOf } from './table-actions.js'
import { parseCell } from './values.js'
import { useViewState } from './view-state.js'
import type { WholeTable } from './whole-table.js'
import { windowThreshold } from './window-mode.js'

const noSelection: GridSelection = {
  columns: CompactSelection.empty(),
  rows: CompactSelection.empty(),
}
const noMarks = { draft: undefined, conflict: undefined, isReadOnly: false }
const readOnlyMarks = { ...noMarks, isReadOnly: true }

export interface WindowPageProps {
  readonly session: Session
  readonly rowCount: number | undefined
  readonly notices: Notices
  /** The whole table loading behind the window (S177); absent with `?mode=window`. */
  readonly behind?: {
    readonly whole: WholeTable
    readonly onPainted: () => void
    /** The whole table is in and the window's edits are saved: show it instead. */
    readonly onSwitch: () => void
  }
}

export function WindowPage({ session, rowCount, notices, behind }: WindowPageProps) {
  const options = useMemo(
    () => ({
      url: location.origin,
      table: session.table,
      limit: 200,
      offline: { name: `${storeNameOf(session.table)}:window` },
      ...(session.login === undefined ? {} : { token: session.login.token }),
    }),
    [session],
  )
  const conn = useQueryConnection(options)
  const status = useConnectionStatus(conn)
  const { unsaved } = useSaved(conn)
  const [window, setWindow] = useState({ offset: 0, limit: 200 })
  const result = useQueryWindow(conn, window)
  const columns: readonly Column[] = conn?.columns ?? []
  const view = useViewState(session.table)
  const gridColumns = useGridColumns(columns, view)
  const onVisibleRegionChanged = useWindowing(setWindow, () => undefined)
  const [selection, setSelection] = useState<GridSelection>(noSelection)
  const canWrite = conn?.permissions?.canUpdateRows !== false
  const canInsert = conn?.permissions?.canInsertRows !== false
  const canDelete = conn?.permissions?.canDeleteRows !== false
  const gridRef = useRef<DataEditorRef>(null)
  useSwitchWhenLoaded(conn, result.rows.length > 0, behind, notices)
  useEffect(() => {
    if (conn === undefined) return undefined
    return conn.on('error', notices.error)
  }, [conn, notices.error])
  useEffect(() => {
    // What the browser tests read (window.demo), as the full page gives it.
    const cellBounds = (col: number, row: number) => {
      const rect = gridRef.current?.getBounds(col, row)
      return rect === undefined
        ? undefined
        : { x: rect.x, y: rect.y, width: rect.width, height: rect.height }
    }
    const api = { current: { cellBounds } }
    const ready = conn !== undefined && columns.length > 0
    Object.assign(globalThis, {
      demo: { mode: 'window', conn, result, selection, columns, api, ready },
    })
    if (result.rows.length > 0) document.body.dataset.firstWindow = 'true'
  }, [conn, result, selection, columns])

  const rowAt = (index: number) => result.rows[index - result.offset]
  const getCellContent = ([col, index]: Item): GridCell => {
    const row = rowAt(index)
    const column = columns[col]
    if (row === undefined || column === undefined) return loadingCell
    return gridCellOf(row, column, canWrite ? noMarks : readOnlyMarks)
  }
  const write = (run: () => void): void => {
    try {
      run()
    } catch (error) {
      notices.error(error)
    }
  }
  const onCellsEdited = (items: readonly EditListItem[]): boolean => {
    write(() => {
      conn?.transact(() => {
        for (const { location, value } of items) {
          // An editor's cell names the row it was opened on, even if rows moved meanwhile.
          const id = refOf(value)?.row ?? rowAt(location[1])?.id
          const column = columns[location[0]]
          const text = editedValue(value)
          if (id === undefined || column === undefined || text === undefined) continue
          const cell = typeof text === 'string' ? parseCell(text, column.type) : text
          conn.setCell(id, column.name, cell)
        }
      })
    })
    return true
  }
  // Unsaved edits of the window would wait in its offline copy: they are saved before leaving.
  const openWhole = (): void => {
    if (conn === undefined || conn.unsaved === 0) {
      openTable(session.table, { mode: 'full' })
      return
    }
    notices.info(`Saving ${conn.unsaved} change(s) before opening the whole table…`)
    conn.whenSaved().then(
      () => {
        openTable(session.table, { mode: 'full' })
      },
      (error: unknown) => {
        notices.error(error)
      },
    )
  }
  const selectedIds = selection.rows.toArray().flatMap((index) => rowAt(index)?.id ?? [])
  const deleteSelected = (): void => {
    write(() => {
      conn?.transact(() => {
        for (const id of selectedIds) conn.deleteRow(id)
      })
    })
    setSelection(noSelection)
  }

  return (
    <div className="app">
      <header className="toolbar">
        <strong className="brand">Tessera</strong>
        <span>Table “{session.table}”</span>
        <span
          id="window-mode"
          className="badge window-badge"
          title={`Tables above ${windowThreshold.toLocaleString('en')} rows open in window mode`}
        >
          {behind === undefined
            ? `window mode: ${result.rows.length.toLocaleString('en')} of ${result.total.toLocaleString('en')} rows loaded`
            : `loading the whole table: ${String(behind.whole.percent)} %`}
        </span>
        <span className="spacer" />
        <span id="status" className="badge" data-status={status}>
          {status}
        </span>
        <span id="saved" className="badge" data-unsaved={unsaved}>
          {unsaved === 0 ? 'All changes saved' : `${unsaved} unsaved`}
        </span>
      </header>
      <nav className="toolbar secondary">
        <button
          id="add-row"
          disabled={!canInsert}
          onClick={() => {
            write(() => conn?.insertRow({}))
          }}
        >
          Add row
        </button>
        <button
          id="delete-rows"
          disabled={!canDelete || selectedIds.length === 0}
          onClick={deleteSelected}
        >
          {selectedIds.length === 1
            ? 'Delete row'
            : selectedIds.length === 0
              ? 'Delete rows'
              : `Delete ${selectedIds.length} rows`}
        </button>
        <p id="window-note" className="window-note" role="note">
          {`This table has ${(rowCount ?? result.total).toLocaleString('en')} rows, so only the rows in view are loaded. Edit cells and add or delete rows as usual; undo, other users' cursors, conflicts, history, column changes, sorting, paste and fill need the whole table.`}{' '}
          <a
            href="#full"
            onClick={(event) => {
              event.preventDefault()
              openWhole()
            }}
          >
            Open the whole table
          </a>
        </p>
      </nav>
      <div className="grid-wrap" data-total={result.total}>
        <DataEditor
          ref={gridRef}
          width="100%"
          height="100%"
          columns={gridColumns}
          rows={result.total}
          getCellContent={getCellContent}
          onCellsEdited={onCellsEdited}
          provideEditor={provideEditor}
          gridSelection={selection}
          onGridSelectionChange={setSelection}
          onVisibleRegionChanged={onVisibleRegionChanged}
          rowMarkers={{ kind: 'clickable-number', startIndex: 1 }}
          cellActivationBehavior="double-click"
          keybindings={{ paste: false, downFill: false, rightFill: false, copy: true }}
          smoothScrollY
        />
      </div>
      <NoticeList notices={notices} />
    </div>
  )
}

/**
 * S177: starts the whole table loading once the window is painted, and switches to it once it
 * is in and every edit made in the window is saved (the whole table then has them from the
 * server: nothing made before it arrived is lost).
 */
function useSwitchWhenLoaded(
  conn: QueryConnection | undefined,
  isPainted: boolean,
  behind: WindowPageProps['behind'],
  notices: Notices,
): void {
  const { onPainted, onSwitch } = behind ?? {}
  const isBehind = behind !== undefined
  const isSynced = behind?.whole.isSynced === true
  useEffect(() => {
    if (isPainted) onPainted?.()
  }, [isPainted, onPainted])
  useEffect(() => {
    document.body.dataset.whole = !isBehind ? 'off' : isSynced ? 'in' : 'loading'
    if (!isSynced || conn === undefined) return undefined
    let isLive = true
    conn.whenSaved().then(
      () => {
        if (isLive) onSwitch?.()
      },
      (error: unknown) => {
        notices.error(error)
      },
    )
    return () => {
      isLive = false
    }
  }, [isBehind, isSynced, conn, onSwitch, notices])
}

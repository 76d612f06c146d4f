// The row commands of the tool bar, on the current selection: add a row and put the cursor in
// it, delete the selected rows, move one row in the manual order, append 100,000 rows.
import { useEffect, useRef, type MutableRefObject } from 'react'
import type { GridSelection } from '@glideapps/glide-data-grid'
import type { Query, Row } from '../../src/index.js'
import type { Connection } from '../index.js'
import type { LiveQueryResult } from '../react/index.js'
import type { GridApi } from './grid.js'
import type { Notices } from './notices.js'
import { generateRows, indexOfRow, selectedRowIds } from './table-actions.js'

export interface RowActionsInput {
  readonly conn: Connection
  readonly query: Query
  readonly result: LiveQueryResult
  readonly selection: GridSelection
  readonly clearSelection: () => void
  readonly columnCount: number
  readonly isManualOrder: boolean
  readonly rowsFrom: (index: number, count: number) => readonly Row[]
  readonly api: MutableRefObject<GridApi | undefined>
  readonly notices: Notices
}

export interface RowActions {
  /** The ids of the rows the selection covers. */
  readonly selectedRows: readonly string[]
  readonly addRow: () => void
  readonly appendRow: () => void
  readonly deleteRows: () => void
  readonly move: (direction: -1 | 1) => void
  readonly generate: () => void
}

export function useRowActions(input: RowActionsInput): RowActions {
  const { conn, query, result, selection, rowsFrom, api, notices } = input
  const pendingFocus = useRef<string>()
  // After "Add row" the cursor goes to the new row, once the live query shows it.
  useEffect(() => {
    const id = pendingFocus.current
    if (id === undefined) return
    pendingFocus.current = undefined
    const index = indexOfRow(conn.table, query, result, id)
    if (index === -1) notices.info('The new row is hidden by the filter.')
    // Out of React's commit, so the grid takes the selection before it takes the focus.
    else
      queueMicrotask(() => {
        api.current?.focusCell(0, index)
      })
  }, [result, conn, query, notices, api])

  const run = (action: () => void) => () => {
    try {
      action()
    } catch (error) {
      notices.error(error)
    }
  }
  const selectedRows = selectedRowIds(selection, result.total, input.columnCount, rowsFrom)
  const active = selection.current?.cell
  return {
    selectedRows,
    addRow: run(() => {
      const after =
        input.isManualOrder && active !== undefined ? rowsFrom(active[1], 1)[0]?.id : undefined
      pendingFocus.current = conn.table.insertRow({}, after === undefined ? {} : { after })
    }),
    appendRow: run(() => void conn.table.insertRow({})),
    deleteRows: run(() => {
      conn.table.deleteRows(selectedRows)
      input.clearSelection()
    }),
    move: (direction) => {
      run(() => {
        const neighbour = active === undefined ? undefined : rowsFrom(active[1] + direction, 1)[0]
        const id = selectedRows[0]
        if (id === undefined || neighbour === undefined || active === undefined) return
        conn.table.moveRow(id, direction < 0 ? { before: neighbour.id } : { after: neighbour.id })
        api.current?.focusCell(active[0], active[1] + direction)
      })()
    },
    generate: () => {
      generateRows(conn.table).catch(notices.error)
    },
  }
}

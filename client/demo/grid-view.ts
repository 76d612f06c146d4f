// How the grid follows the page: its columns from the table's and the view's (widths, sort
// arrows), and the live query's window from the scroll position.
import { useCallback, useMemo, useRef } from 'react'
import { GridColumnIcon, type GridColumn, type Rectangle } from '@glideapps/glide-data-grid'
import type { Column } from '../../src/index.js'
import type { ViewState } from './view-state.js'

const icons: Record<Column['type'], GridColumnIcon> = {
  string: GridColumnIcon.HeaderString,
  number: GridColumnIcon.HeaderNumber,
  boolean: GridColumnIcon.HeaderBoolean,
  date: GridColumnIcon.HeaderDate,
  json: GridColumnIcon.HeaderCode,
}

/** The grid's columns: the table's shown columns with the view's widths and sort arrow. */
export function useGridColumns(columns: readonly Column[], view: ViewState): GridColumn[] {
  return useMemo(
    (): GridColumn[] =>
      columns.map((column) => {
        const arrow =
          view.sort?.columnId !== column.id ? '' : view.sort.direction === 'asc' ? ' ↑' : ' ↓'
        return {
          id: column.id,
          title: `${column.name}${arrow}`,
          icon: icons[column.type],
          hasMenu: true,
          width: view.widths[column.id] ?? (column.type === 'boolean' ? 90 : 180),
        }
      }),
    [columns, view.sort, view.widths],
  )
}

/** Rows loaded above and below the visible ones, and the step the window moves by. */
const overscanRows = 60

/**
 * Glide's `onVisibleRegionChanged`: reports every scroll to `onScroll`, and a new live query
 * window to `onWindow` only when the visible rows leave the loaded ones, in steps of 20 rows.
 */
export function useWindowing(
  onWindow: (window: { offset: number; limit: number }) => void,
  onScroll: () => void,
): (range: Rectangle) => void {
  const last = useRef({ offset: 0, limit: 0 })
  return useCallback(
    (range: Rectangle) => {
      onScroll()
      const loaded = last.current
      if (range.y >= loaded.offset && range.y + range.height <= loaded.offset + loaded.limit) return
      const offset = Math.max(0, Math.floor((range.y - overscanRows) / 20) * 20)
      last.current = { offset, limit: range.height + 2 * overscanRows + 20 }
      onWindow(last.current)
    },
    [onWindow, onScroll],
  )
}

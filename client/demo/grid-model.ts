// What the grid shows, read from a live query's window: cells by position, cells of any range
// (copy and fill reach past the window with a one-off query), and row ids by position.
import { useCallback, useMemo } from 'react'
import type { GridCell, Item, Rectangle } from '@glideapps/glide-data-grid'
import type { Column, Conflict, Query, Row, Table } from '../../src/index.js'
import type { LiveQueryResult } from '../react/index.js'
import { gridCellOf, loadingCell, type Draft } from './cells.js'
import { cellKey } from './edits.js'
import { describeValue } from './values.js'

export interface GridModelInput {
  readonly table: Table
  readonly columns: readonly Column[]
  readonly result: LiveQueryResult
  readonly query: Query
  readonly drafts: ReadonlyMap<string, Draft>
  readonly conflicts: readonly Conflict[]
  readonly isReadOnly: boolean
  /** Who a client id is, for conflict messages. */
  readonly nameOf: (clientId: number) => string
}

export interface GridModel {
  readonly getCellContent: (cell: Item) => GridCell
  readonly getCellsForSelection: (range: Rectangle) => GridCell[][]
  /** The rows from `index` on (at most `count`), in the view's order. */
  readonly rowsFrom: (index: number, count: number) => readonly Row[]
  /** The conflict message of a cell, if any. */
  readonly conflictAt: (row: string, column: string) => string | undefined
}

/** The grid's view of one live query window. */
export function useGridModel(input: GridModelInput): GridModel {
  const { table, columns, result, query, drafts, conflicts, isReadOnly, nameOf } = input
  const conflictByCell = useMemo(() => {
    const map = new Map<string, string>()
    for (const c of conflicts) {
      const who = nameOf(c.by)
      map.set(
        `${c.row}\u0000${c.column}`,
        `Your "${describeValue(c.mine)}" was overwritten by ${who}'s "${describeValue(c.theirs)}"`,
      )
    }
    return map
  }, [conflicts, nameOf])

  const cellOf = useCallback(
    (row: Row, column: Column) =>
      gridCellOf(row, column, {
        draft: drafts.get(cellKey(row.id, column.id)),
        conflict: conflictByCell.get(`${row.id}\u0000${column.name}`),
        isReadOnly,
      }),
    [drafts, conflictByCell, isReadOnly],
  )

  const rowsFrom = useCallback(
    (index: number, count: number): readonly Row[] => {
      const { rows, offset } = result
      if (index >= offset && index + count <= offset + rows.length)
        return rows.slice(index - offset, index - offset + count)
      return table.query({ ...query, offset: index, limit: count })
    },
    [result, query, table],
  )

  // A new function whenever the window's rows change: Glide redraws the visible cells (and
  // keeps its accessible copy of them current) when getCellContent changes.
  const getCellContent = useCallback(
    ([col, index]: Item): GridCell => {
      const row = result.rows[index - result.offset]
      const column = columns[col]
      return row === undefined || column === undefined ? loadingCell : cellOf(row, column)
    },
    [result, columns, cellOf],
  )

  const getCellsForSelection = useCallback(
    (range: Rectangle): GridCell[][] =>
      rowsFrom(range.y, range.height).map((row) =>
        columns.slice(range.x, range.x + range.width).map((column) => cellOf(row, column)),
      ),
    [rowsFrom, columns, cellOf],
  )

  return useMemo(
    () => ({
      getCellContent,
      getCellsForSelection,
      rowsFrom,
      conflictAt: (row, column) => conflictByCell.get(`${row}\u0000${column}`),
    }),
    [getCellContent, getCellsForSelection, rowsFrom, conflictByCell],
  )
}

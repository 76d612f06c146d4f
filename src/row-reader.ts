// Reading rows and cells out of the doc: one rule for what a cell shows (its override in the
// row's incarnation, else its inserted value, else the column default), used by every read.
import type { Columns } from './columns.js'
import type { RowId } from './ids.js'
import { cellKey, isStoredRow, overrideFor, type StoredRow, type TableMaps } from './layout.js'
import type { Row } from './row.js'
import type { RowStates } from './row-state.js'
import { readCell, type CellValue, type Column } from './schema.js'
import type { Table } from './table-api.js'

/** The table's read methods. */
export type RowReader = Pick<
  Table,
  'getRow' | 'hasRow' | 'getCell' | 'getPosition' | 'rowIds' | 'listRows'
>

/** The read methods over the table's maps, row states and columns. */
export function createRowReader(maps: TableMaps, states: RowStates, columns: Columns): RowReader {
  /**
   * What one cell shows (S14, S15). `hasOverrides` false skips the lookup of an override: most
   * rows are never edited after their insert (RowStates.hasOverrides).
   */
  const cellOf = (id: RowId, stored: StoredRow, column: Column, hasOverrides: boolean) => {
    const override = hasOverrides
      ? overrideFor(maps.cells.get(cellKey(id, column.id)), stored.i)
      : undefined
    const value =
      override !== undefined
        ? override.value
        : column.id in stored.c
          ? stored.c[column.id]
          : column.default
    return readCell(column.type, value)
  }

  const storedRow = (id: string): StoredRow | undefined => {
    const stored: unknown = maps.rows.get(id)
    return isStoredRow(stored) ? stored : undefined
  }

  const getRow = (id: string): Row | undefined => {
    const stored = storedRow(id)
    if (stored === undefined) return undefined
    const row: Record<string, CellValue> = { id }
    const hasOverrides = states.hasOverrides(id as RowId)
    for (const column of columns.list())
      row[column.name] = cellOf(id as RowId, stored, column, hasOverrides)
    return row as Row
  }

  const rowIds = (): RowId[] => Array.from(states.order().values(), (state) => state.id)

  return {
    getRow,
    hasRow: (id) => states.get(id as RowId) !== undefined,
    getCell(id, name) {
      const column = columns.require(name, 'getCell')
      const stored = storedRow(id)
      return stored === undefined
        ? undefined
        : cellOf(id as RowId, stored, column, states.hasOverrides(id as RowId))
    },
    getPosition: (id) => states.get(id as RowId)?.position,
    rowIds,
    listRows: () => rowIds().map((id) => getRow(id)!),
  }
}

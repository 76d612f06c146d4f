// Reading rows and cells out of the doc: one rule for what a cell shows (its override in the
// row's current life, else its inserted value, else the column default), used by every read.
import type { Columns } from './columns.js'
import type { RowId } from './ids.js'
import type { TableMaps } from './layout.js'
import { scanStoredRows, type ScanVisitor } from './query/stored-scan.js'
import type { Row } from './row.js'
import type { RowStates } from './row-state.js'
import { readCell, type CellValue, type Column } from './schema.js'
import { insertedCell, overrideOf, type RowState } from './stored-row.js'
import type { Table } from './table-api.js'

/** The table's read methods. */
export type RowReader = Pick<
  Table,
  'getRow' | 'hasRow' | 'getCell' | 'getPosition' | 'rowIds' | 'listRows'
> & {
  /**
   * Calls `visit` with every live row, in no particular order, and the stored value of each of
   * `columns` (read as S14 and S15 say, as getRow would). What a query reads of a whole table:
   * only the columns it needs, without building rows.
   */
  scanRows(columns: readonly Column[], visit: ScanVisitor): void
}

/** The read methods over the table's maps, row states and columns. */
export function createRowReader(maps: TableMaps, states: RowStates, columns: Columns): RowReader {
  /**
   * What one cell shows (S14, S15). `hasOverrides` false skips the lookup of an override: most
   * rows are never edited after their insert (RowStates.hasOverrides).
   */
  const cellOf = (state: RowState, value: unknown, column: Column, hasOverrides: boolean) => {
    const override = hasOverrides ? overrideOf(maps, state, column.id) : undefined
    const cell = override ?? insertedCell(maps, state, value, column.id)
    return readCell(column.type, cell === undefined ? column.default : cell.value)
  }

  const getRow = (id: string): Row | undefined => {
    // Read from the doc, so a read inside a transaction or an observer sees the doc as it is.
    const value = maps.rows.get(id)
    const state = states.stateOf(id as RowId, value)
    if (state === undefined) return undefined
    const row: Record<string, CellValue> = { id }
    const hasOverrides = states.hasOverrides(state)
    for (const column of columns.list())
      row[column.name] = cellOf(state, value, column, hasOverrides)
    return row as Row
  }

  const rowIds = (): RowId[] => Array.from(states.order().values(), (state) => state.id)

  return {
    getRow,
    hasRow: (id) => states.get(id as RowId) !== undefined,
    getCell(id, name) {
      const column = columns.require(name, 'getCell')
      const value = maps.rows.get(id)
      const state = states.stateOf(id as RowId, value)
      if (state === undefined) return undefined
      return cellOf(state, value, column, states.hasOverrides(state))
    },
    getPosition: (id) => states.get(id as RowId)?.position,
    rowIds,
    listRows: () => rowIds().map((id) => getRow(id)!),
    scanRows: (wanted, visit) => {
      scanStoredRows(maps, states, wanted, visit)
    },
  }
}

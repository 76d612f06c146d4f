// Table cells as Glide Data Grid cells: a checkbox for booleans, right-aligned numbers, text for
// the rest; the typed value of a refused edit (a draft) in red; conflicts in orange. Each cell
// carries its row id and column, so an edit lands on the row it was started on.
import {
  GridCellKind,
  type BooleanCell,
  type GridCell,
  type LoadingCell,
  type TextCell,
} from '@glideapps/glide-data-grid'
import type { Column, Row } from '../../src/index.js'
import { editText, formatCell } from './values.js'

/** Where a grid cell's value lives in the table. */
export interface CellRef {
  readonly row: string
  readonly column: string
  readonly type: Column['type']
}

/** A grid cell that knows its table cell (the field survives Glide's copies of the cell). */
export type TableGridCell = (TextCell | BooleanCell) & { readonly tessera: CellRef }

/** A typed value the column refused, kept in the cell with the reason (S124). */
export interface Draft {
  readonly text: string
  readonly message: string
}

/** What colours a cell besides its value. */
export interface CellMarks {
  readonly draft: Draft | undefined
  readonly conflict: string | undefined
  readonly isReadOnly: boolean
}

export const draftTheme = { bgCell: '#fdecea', textDark: '#b3261e', textMedium: '#b3261e' }
export const conflictTheme = { bgCell: '#fff1db', textDark: '#7a4200' }

export const loadingCell: LoadingCell = { kind: GridCellKind.Loading, allowOverlay: false }

/** The grid cell of one table cell. */
export function gridCellOf(row: Row, column: Column, marks: CellMarks): TableGridCell {
  const tessera: CellRef = { row: row.id, column: column.name, type: column.type }
  const value = row[column.name]
  const theme =
    marks.draft !== undefined
      ? draftTheme
      : marks.conflict !== undefined
        ? conflictTheme
        : undefined
  const common = { tessera, readonly: marks.isReadOnly, ...(theme ? { themeOverride: theme } : {}) }
  if (column.type === 'boolean' && marks.draft === undefined) {
    return {
      ...common,
      kind: GridCellKind.Boolean,
      data: typeof value === 'boolean' ? value : false,
      allowOverlay: false,
      copyData: editText(value, 'boolean'),
    }
  }
  const text = marks.draft?.text ?? editText(value, column.type)
  return {
    ...common,
    kind: GridCellKind.Text,
    data: text,
    displayData: marks.draft?.text ?? formatCell(value, column.type),
    allowOverlay: true,
    copyData: text,
    ...(column.type === 'number' && marks.draft === undefined ? { contentAlign: 'right' } : {}),
  }
}

/** The table cell a grid cell was made for, when it was one of ours. */
export function refOf(cell: GridCell): CellRef | undefined {
  return (cell as Partial<TableGridCell>).tessera
}

/** What an edited grid cell holds, as the text or boolean to write. */
export function editedValue(cell: GridCell): string | boolean | undefined {
  if (cell.kind === GridCellKind.Boolean) return cell.data === true
  if (cell.kind === GridCellKind.Text) return cell.data
  return undefined
}

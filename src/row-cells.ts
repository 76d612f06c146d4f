// Cells given to a row write, checked once at the door and laid out for storage: each column
// name resolved to its column, each value normalized (schema.ts), and the order of the names
// kept, so rows of a batch that name the same columns share one layout (and one shape).
import type { Columns } from './columns.js'
import { TesseraError } from './errors.js'
import type { ColumnId } from './ids.js'
import type { RowInput } from './row.js'
import { describe, normalizeCell, type CellValue, type Column } from './schema.js'

/** The columns a row write names, in the order it names them. */
export interface CellLayout {
  readonly names: readonly string[]
  readonly columns: readonly Column[]
  readonly ids: readonly ColumnId[]
}

/** A row write's cells: its layout and one normalized value per column of it. */
export interface PreparedCells {
  readonly layout: CellLayout
  readonly values: readonly CellValue[]
}

/** True when `names` are the layout's names, in its order. */
function isSameLayout(layout: CellLayout | undefined, names: readonly string[]): boolean {
  if (layout === undefined || layout.names.length !== names.length) return false
  for (let index = 0; index < names.length; index++)
    if (layout.names[index] !== names[index]) return false
  return true
}

/**
 * Checks and normalizes cells keyed by column name (an `id` key names the row and is skipped).
 * `previous` is the layout of the row before in a batch: reused when this row names the same
 * columns in the same order, which spares resolving every name again.
 * @throws INVALID_ARGUMENT for cells that are not an object; COLUMN_NOT_FOUND; SCHEMA_VIOLATION
 */
export function prepareCells(
  columns: Columns,
  cells: RowInput,
  where: string,
  previous?: CellLayout,
): PreparedCells {
  if (typeof cells !== 'object' || cells === null || Array.isArray(cells)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: cells must be an object keyed by column name, got ${describe(cells)}`,
    )
  }
  const names = Object.keys(cells).filter((name) => name !== 'id')
  const layout = isSameLayout(previous, names) ? previous! : layoutOf(columns, names, where)
  const values = new Array<CellValue>(names.length)
  for (let index = 0; index < names.length; index++)
    values[index] = normalizeCell(layout.columns[index]!, cells[names[index]!], where)
  return { layout, values }
}

function layoutOf(columns: Columns, names: string[], where: string): CellLayout {
  const resolved = names.map((name) => columns.require(name, where))
  return { names, columns: resolved, ids: resolved.map((column) => column.id) }
}

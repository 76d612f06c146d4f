// Cells given to a row write, checked once at the door and laid out for storage: each column
// name resolved to its column, each value normalized (schema.ts), and the order of the names
// kept, so rows of a batch that name the same columns share one layout (and one shape).
import type { Columns } from './columns.js'
import { TesseraError } from './errors.js'
import type { ColumnId } from './ids.js'
import type { RowInput } from './row.js'
import { firstCell } from './layout.js'
import { describe, fitsType, normalizeCell, type CellValue, type Column } from './schema.js'

/** The columns a row write names, in the order it names them. */
export interface CellLayout {
  readonly names: readonly string[]
  readonly columns: readonly Column[]
  readonly ids: readonly ColumnId[]
}

/**
 * A row write's cells: its layout and its values, laid out as a packed row (layout.ts): the
 * first `firstCell` slots are left for the writer, then one normalized value per layout column.
 */
export interface PreparedCells {
  readonly layout: CellLayout
  readonly values: readonly CellValue[]
}

/** The names of `cells` (its keys but `id`) when they are the layout's, in its order. */
function isSameLayout(layout: CellLayout | undefined, keys: readonly string[]): boolean {
  if (layout === undefined) return false
  const { names } = layout
  let at = 0
  for (const key of keys) {
    if (key === 'id') continue
    if (names[at++] !== key) return false
  }
  return at === names.length
}

/**
 * The cells of a row of a batch laid out as `layout` (a packed row's slots, the first
 * `firstCell` left free) when the row names exactly its columns in its order and every cell is
 * already of its column's type; undefined otherwise, for prepareCells to check the row in full.
 * The keys are walked with for-in, which lists own keys first, makes no array and reads each
 * cell by the key it lists; the last name must be own, so no inherited key stands in for it.
 */
export function preparedLike(
  layout: CellLayout | undefined,
  cells: RowInput,
): CellValue[] | undefined {
  if (layout === undefined || typeof cells !== 'object' || cells === null) return undefined
  if (Array.isArray(cells)) return undefined
  const { names, columns } = layout
  const values = new Array<CellValue>(firstCell + names.length)
  let at = 0
  for (const key in cells) {
    if (key === 'id') continue
    if (names[at] !== key) return undefined
    const value = cells[key]
    if (value === undefined || !fitsType(columns[at]!.type, value)) return undefined
    values[firstCell + at++] = value as CellValue
  }
  if (at !== names.length || (at > 0 && !Object.hasOwn(cells, names[at - 1]!))) return undefined
  return values
}

/**
 * Checks and normalizes cells keyed by column name (an `id` key names the row and is skipped).
 * `previous` is the layout of the row before in a batch: reused when this row names the same
 * columns in the same order, which spares resolving every name again. A cell already of its
 * column's type is kept as given. `where` names the caller in errors (built only for one).
 * @throws INVALID_ARGUMENT for cells that are not an object; COLUMN_NOT_FOUND; SCHEMA_VIOLATION
 */
export function prepareCells(
  columns: Columns,
  cells: RowInput,
  where: string | (() => string),
  previous?: CellLayout,
): PreparedCells {
  const whereText = (): string => (typeof where === 'string' ? where : where())
  if (typeof cells !== 'object' || cells === null || Array.isArray(cells)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${whereText()}: cells must be an object keyed by column name, got ${describe(cells)}`,
    )
  }
  const keys = Object.keys(cells)
  const layout = isSameLayout(previous, keys)
    ? previous!
    : layoutOf(
        columns,
        keys.filter((name) => name !== 'id'),
        whereText(),
      )
  const { names } = layout
  const values = new Array<CellValue>(firstCell + names.length)
  for (let index = 0; index < names.length; index++) {
    const column = layout.columns[index]!
    const value = cells[names[index]!]
    values[firstCell + index] =
      value !== undefined && fitsType(column.type, value)
        ? (value as CellValue)
        : normalizeCell(column, value, whereText())
  }
  return { layout, values }
}
function layoutOf(columns: Columns, names: string[], where: string): CellLayout {
  const resolved = names.map((name) => columns.require(name, where))
  return { names, columns: resolved, ids: resolved.map((column) => column.id) }
}

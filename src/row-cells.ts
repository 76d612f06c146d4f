// Cells given to a row write, checked once at the door and laid out for storage: each column
// name resolved to its column, each value normalized (schema.ts), and the order of the names
// kept, so rows of a batch that name the same columns share one layout (and one shape).
import type { Columns } from './columns.js'
import { TesseraError } from './errors.js'
import type { ColumnId } from './ids.js'
import type { RowInput } from './row.js'
import { describe, fitsType, normalizeCell, type CellValue, type Column } from './schema.js'

/** The columns a row write names, in the order it names them. */
export interface CellLayout {
  readonly names: readonly string[]
  readonly columns: readonly Column[]
  readonly ids: readonly ColumnId[]
}

/** A row write's cells: its layout and one normalized value per layout column, in its order. */
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
 * Copies the cells of a row of a batch into `target` from `at` on, in the order of `layout`,
 * when the row names exactly its columns in its order and every cell is already of its column's
 * type; returns false otherwise (some cells may be copied), for prepareCells to check the row in
 * full. The keys are walked with for-in, which lists own keys first, makes no array and reads
 * each cell by the key it lists; the last name must be own, so no inherited key stands in for it.
 */
export function copyLike(
  layout: CellLayout | undefined,
  cells: RowInput,
  target: CellValue[],
  at: number,
): boolean {
  if (layout === undefined || typeof cells !== 'object' || cells === null) return false
  if (Array.isArray(cells)) return false
  const { names, columns } = layout
  let index = 0
  for (const key in cells) {
    if (key === 'id') continue
    if (names[index] !== key) return false
    const value = cells[key]
    const { type } = columns[index]!
    if (value === undefined || !fitsType(type, value)) return false
    target[at + index++] = type === 'json' ? insertable(value as CellValue) : (value as CellValue)
  }
  return index === names.length && (index === 0 || Object.hasOwn(cells, names[index - 1]!))
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
  const values = new Array<CellValue>(names.length)
  for (let index = 0; index < names.length; index++) {
    const column = layout.columns[index]!
    const value = cells[names[index]!]
    const cell =
      value !== undefined && fitsType(column.type, value)
        ? (value as CellValue)
        : normalizeCell(column, value, whereText())
    values[index] = column.type === 'json' ? insertable(cell) : cell
  }
  return { layout, values }
}

/**
 * A JSON cell as Yjs inserts it into an array: an object without a prototype (a valid JSON
 * value) is copied into a plain one, which Yjs takes for content (it refuses the other).
 */
function insertable(value: CellValue): CellValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  return Object.getPrototypeOf(value) === null ? { ...value } : value
}
function layoutOf(columns: Columns, names: string[], where: string): CellLayout {
  const resolved = names.map((name) => columns.require(name, where))
  return { names, columns: resolved, ids: resolved.map((column) => column.id) }
}

// The checks of a window client's writes that need no state of their own: the connection's
// rights (S58), cells against the window's columns, and a place in the manual order between two
// rows the window shows (S136). Each failure is a TesseraError that says what to do.
import {
  TesseraError,
  type CellValue,
  type Column,
  type RowId,
  type RowInput,
} from '../../src/index.js'
import { normalizeCell, positionsBetween, type TablePermissions } from '../../src/internal.js'

/** The window's rows in manual order, and whether rows lie before or after them. */
export interface ManualOrder {
  readonly rows: readonly { readonly id: RowId; readonly position: string }[]
  readonly isStart: boolean
  readonly isEnd: boolean
}

/** The right each kind of write needs. */
export const rights = {
  insert: 'canInsertRows',
  update: 'canUpdateRows',
  delete: 'canDeleteRows',
} as const

/** @throws FORBIDDEN when the server said this connection may not make this kind of write */
export function checkRight(
  permissions: TablePermissions | undefined,
  kind: keyof typeof rights,
  where: string,
): void {
  if (permissions === undefined || permissions[rights[kind]]) return
  throw new TesseraError(
    'FORBIDDEN',
    `${where}: this connection may not ${kind} rows of this table (right "${kind}"); ask for a role that may`,
  )
}

/** The cells keyed by column id and normalized by type. @throws COLUMN_NOT_FOUND, INVALID_ARGUMENT, SCHEMA_VIOLATION */
export function storedCellsOf(
  columns: readonly Column[] | undefined,
  cells: RowInput,
  where: string,
): Record<string, CellValue> {
  if (columns === undefined) {
    throw new TesseraError(
      'COLUMN_NOT_FOUND',
      `${where}: the window's columns are not known yet; wait for whenLoaded()`,
    )
  }
  if (typeof cells !== 'object' || cells === null || Array.isArray(cells)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: cells must be an object keyed by column name`,
    )
  }
  const stored: Record<string, CellValue> = {}
  for (const [name, value] of Object.entries(cells)) {
    if (name === 'id') continue
    const column = columns.find((candidate) => candidate.name === name)
    if (column === undefined) {
      const known = columns.map((c) => `"${c.name}"`).join(', ') || 'none'
      throw new TesseraError(
        'COLUMN_NOT_FOUND',
        `${where}: no column named ${JSON.stringify(name)}; the window has ${known}`,
      )
    }
    stored[column.id] = normalizeCell(column, value, `${where} ${name}`)
  }
  return stored
}

/** A position between the rows on both sides of `placement`. @throws INVALID_ARGUMENT, ROW_NOT_FOUND */
export function placeIn(
  order: ManualOrder | undefined,
  placement: { before?: string; after?: string },
  moving: RowId | undefined,
  where: string,
): string {
  const anchor = placement.before ?? placement.after
  if (order === undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: a window with orderBy does not show the manual order; place rows from a window without orderBy`,
    )
  }
  const rows = order.rows.filter((row) => row.id !== moving)
  const at = rows.findIndex((row) => row.id === anchor)
  const [left, right] =
    placement.before !== undefined ? [rows[at - 1], rows[at]] : [rows[at], rows[at + 1]]
  // The neighbour outside the window is unknown, unless there is none (the table's first or last row).
  const isEdge =
    placement.before !== undefined
      ? at === 0 && !order.isStart
      : at === rows.length - 1 && !order.isEnd
  if (at < 0 || isEdge) {
    throw new TesseraError(
      'ROW_NOT_FOUND',
      `${where}: the rows on both sides of the place must be in the window; anchor ${JSON.stringify(anchor)} is missing or at its edge`,
    )
  }
  return positionsBetween(left?.position ?? null, right?.position ?? null, 1)[0]!
}

/** @throws INVALID_ARGUMENT for an insertRow option other than id, before and after */
export function checkInsertOptions(options: object): void {
  const unknownKey = Object.keys(options).find((key) => !['id', 'before', 'after'].includes(key))
  if (unknownKey === undefined) return
  throw new TesseraError(
    'INVALID_ARGUMENT',
    `insertRow: unknown option "${unknownKey}"; expected id, before or after`,
  )
}

/** @throws INVALID_ARGUMENT: an id the window does not hold might exist elsewhere (S137) */
export function refuseGivenId(given: unknown): never {
  throw new TesseraError(
    'INVALID_ARGUMENT',
    `insertRow: id ${JSON.stringify(given)} is not in this window, and a window client cannot tell whether it exists elsewhere (S137); omit the id to insert a new row`,
  )
}

/** @throws ROW_NOT_FOUND: a window client writes only the rows it holds (S136) */
export function refuseRow(id: unknown, where: string): never {
  throw new TesseraError(
    'ROW_NOT_FOUND',
    `${where}: row ${JSON.stringify(id)} is not in this window; a window client writes only the rows it shows or inserted (S136): setWindow to a window that holds it`,
    { details: { id } },
  )
}

/** @throws INVALID_ARGUMENT unless the placement names a row before or after */
export function checkPlacement(placement: { before?: string; after?: string } | undefined): void {
  if (placement?.before !== undefined || placement?.after !== undefined) return
  throw new TesseraError('INVALID_ARGUMENT', 'moveRow: give { before: rowId } or { after: rowId }')
}

// The checks of a window client's row writes (window-writes.ts): the connection's rights (S58),
// cells against the window's schema, and places in the window's manual order. No I/O, no state.
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

const rights = {
  insert: 'canInsertRows',
  update: 'canUpdateRows',
  delete: 'canDeleteRows',
} as const

/** What a write does to rows, as the rights name it. */
export type WriteKind = keyof typeof rights

/** @throws FORBIDDEN when `permissions` (undefined: not known yet) lack the right to `kind` rows */
export function checkRight(
  permissions: TablePermissions | undefined,
  kind: WriteKind,
  where: string,
): void {
  if (permissions === undefined || permissions[rights[kind]]) return
  throw new TesseraError(
    'FORBIDDEN',
    `${where}: this connection may not ${kind} rows of this table (right "${kind}"); ask for a role that may`,
  )
}

/**
 * `cells` keyed by column name, checked against `columns` (undefined: not known yet) and keyed by
 * column id as stored. @throws COLUMN_NOT_FOUND, INVALID_ARGUMENT or SCHEMA_VIOLATION
 */
export function cellsToStore(
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

/**
 * The position between the rows on either side of `placement` in `order` (undefined: a window
 * with orderBy), `moving` left out. @throws INVALID_ARGUMENT or ROW_NOT_FOUND
 */
export function positionAt(
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

/** @throws INVALID_ARGUMENT for an option of insertRow other than id, before and after */
export function checkInsertOptions(options: object): void {
  const unknownKey = Object.keys(options).find((key) => !['id', 'before', 'after'].includes(key))
  if (unknownKey !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `insertRow: unknown option "${unknownKey}"; expected id, before or after`,
    )
  }
}

// The layout of a table inside its Y.Doc (docs/architecture.md, "Layout"). Everything that
// knows the shared-type names and the shape of stored values is here.
import type * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import { TesseraError } from './errors.js'
import type { Position } from './row-order.js'
import { describe } from './schema.js'

/** The data-format version written to `meta`; a reader refuses a newer one. */
export const formatVersion = 1

/**
 * A row as created: written once, as one value, when the row is inserted (which is what keeps
 * inserts and deletes cheap). Later cell edits and moves are overrides in the `cells` map.
 * `i` (incarnation) tells apart two lives of one row id, so edits made to a deleted or
 * concurrently replaced row never leak into its successor (S3, S4).
 */
export interface StoredRow {
  readonly i: number
  readonly p: Position
  readonly c: Readonly<Record<string, unknown>>
}

/** An override of one cell (or, with the empty column id, of the position): [incarnation, value]. */
export type StoredOverride = readonly [number, unknown]

/** The column id under which a row's position override is kept. */
export const positionColumn = '' as ColumnId

const separator = '\u0000'

/** The shared types of a table document. */
export interface TableMaps {
  readonly meta: Y.Map<unknown>
  readonly columns: Y.Map<Y.Map<unknown>>
  readonly rows: Y.Map<StoredRow>
  readonly cells: Y.Map<StoredOverride>
}

/** The shared types of the table in `doc` (created empty when missing). */
export function tableMaps(doc: Y.Doc): TableMaps {
  return {
    meta: doc.getMap('meta'),
    columns: doc.getMap('columns'),
    rows: doc.getMap('rows'),
    cells: doc.getMap('cells'),
  }
}

/** The `cells` key of one cell (or, with positionColumn, of the row's position). */
export function cellKey(rowId: RowId, columnId: ColumnId): string {
  return rowId + separator + columnId
}

/** The row and column of a cell key; undefined for a key without the separator (malformed). */
export function parseCellKey(key: string): [RowId, ColumnId] | undefined {
  return key.includes(separator) ? splitCellKey(key) : undefined
}

/** The row and column ids of a `cells` key. */
export function splitCellKey(key: string): [RowId, ColumnId] {
  const at = key.indexOf(separator)
  return [key.slice(0, at) as RowId, key.slice(at + 1) as ColumnId]
}

/** True when a value read from the rows map has the StoredRow shape (data from storage is checked). */
export function isStoredRow(value: unknown): value is StoredRow {
  if (typeof value !== 'object' || value === null) return false
  const row = value as Partial<StoredRow>
  return (
    typeof row.i === 'number' &&
    typeof row.p === 'string' &&
    typeof row.c === 'object' &&
    row.c !== null
  )
}

/** The override value of a cell if it belongs to the row's current incarnation. */
export function overrideFor(
  override: unknown,
  incarnation: number,
): { value: unknown } | undefined {
  if (!Array.isArray(override) || override.length !== 2 || override[0] !== incarnation)
    return undefined
  return { value: override[1] as unknown }
}

/** Checks an id given by a caller (row or column). */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 256 && !id.includes(separator)
}

/** The id, checked as a row id (isValidId); `where` names the caller for the message. */
export function checkRowId(id: unknown, where: string): RowId {
  if (!isValidId(id)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: a row id must be a string of 1 to 256 characters without U+0000, got ${describe(id)}`,
    )
  }
  return id as RowId
}

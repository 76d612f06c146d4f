// The layout of a table inside its Y.Doc (docs/architecture.md, "Layout"). Everything that
// knows the shared-type names, the keys and the shape of stored values is here and in
// stored-row.ts (rows of either data format), row-shapes.ts and incarnation.ts.
import type * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import { TesseraError } from './errors.js'
import type { Position } from './row-order.js'
import { describe } from './schema.js'
import { valuesName } from './values-array.js'

/**
 * The data-format version written to `meta`; a reader refuses a newer one. Version 3 writes new
 * rows as ValuesRow (values-array.ts); rows of version 2 (PackedRow) and 1 (FormatOneRow) are
 * still read and edited as such.
 */
export const formatVersion = 3

/**
 * A row value of data format 1: written once when the row was inserted; later cell edits and
 * moves are `[incarnation, value]` overrides in `cells` under `rowId\0columnId`. `i` tells apart
 * two lives of one row id (S3, S4).
 */
export interface FormatOneRow {
  readonly i: number
  readonly p: Position
  readonly c: Readonly<Record<string, unknown>>
}

/** A format 1 override of one cell (or, with positionColumn, of the position): [incarnation, value]. */
export type FormatOneOverride = readonly [number, unknown]

/**
 * A row value of data format 2: `[shape, incarnation, position, ...cells]`. The cells are in
 * the order of the shape (row-shapes.ts) and the incarnation is the Yjs id of the item that
 * first stored the row (incarnation.ts). Later cell edits and moves are plain values in
 * `overrides`, keyed by the incarnation and the cell's slot (packedKey, looseKey).
 */
export type PackedRow = readonly [number, string, Position, ...unknown[]]

/** Where the cells of a packed row start. */
export const firstCell = 3

/** The column id under which a format 1 row's position override is kept. */
export const positionColumn = '' as ColumnId

const separator = '\u0000'
/** Packed override keys start with the slot: 0 is the position, 1 + n the shape's n-th cell. */
const positionSlot = 0
/** The first character of a loose key (a column outside the row's shape). */
const loose = '\u007f'
/** Shape cells past this take loose keys. */
export const maxPackedSlot = 0x7e

/** The shared types of a table document. */
export interface TableMaps {
  readonly meta: Y.Map<unknown>
  readonly columns: Y.Map<Y.Map<unknown>>
  readonly rows: Y.Map<unknown>
  /** Format 1 overrides. */
  readonly cells: Y.Map<unknown>
  /** Format 2 overrides ('o': its name is written with every first edit of a cell). */
  readonly overrides: Y.Map<unknown>
  readonly shapes: Y.Map<unknown>
  /** Format 3 rows' first values (values-array.ts). */
  readonly values: Y.Array<unknown>
}

/** The names of the table's shared types, in the doc. */
export const mapNames = ['meta', 'columns', 'rows', 'cells', 'o', 'shapes'] as const

/** The shared types of the table in `doc` (created empty when missing). */
export function tableMaps(doc: Y.Doc): TableMaps {
  return {
    meta: doc.getMap('meta'),
    columns: doc.getMap('columns'),
    rows: doc.getMap('rows'),
    cells: doc.getMap('cells'),
    overrides: doc.getMap('o'),
    shapes: doc.getMap('shapes'),
    values: doc.getArray(valuesName),
  }
}

/** The `cells` key of one format 1 cell (or, with positionColumn, of the row's position). */
export function cellKey(rowId: RowId, columnId: ColumnId): string {
  return rowId + separator + columnId
}

/** The row and column of a `cells` key; undefined for a key without the separator (malformed). */
export function parseCellKey(key: string): [RowId, ColumnId] | undefined {
  return key.includes(separator) ? splitCellKey(key) : undefined
}

/** The row and column ids of a `cells` key. */
export function splitCellKey(key: string): [RowId, ColumnId] {
  const at = key.indexOf(separator)
  return [key.slice(0, at) as RowId, key.slice(at + 1) as ColumnId]
}

/** True when a value read from the rows map is a format 1 row (data from storage is checked). */
export function isFormatOneRow(value: unknown): value is FormatOneRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const row = value as Partial<FormatOneRow>
  return (
    typeof row.i === 'number' &&
    typeof row.p === 'string' &&
    typeof row.c === 'object' &&
    row.c !== null
  )
}

/** The format 1 override value of a cell if it belongs to the row's current incarnation. */
export function overrideFor(
  override: unknown,
  incarnation: number,
): { value: unknown } | undefined {
  if (!Array.isArray(override) || override.length !== 2 || override[0] !== incarnation)
    return undefined
  return { value: override[1] as unknown }
}

/** The `overrides` key of a packed row's position or shape slot (1 + the cell's index). */
export function packedKey(incarnation: string, slot: number): string {
  return String.fromCharCode(slot) + incarnation
}

/** The `overrides` key of a packed row's position. */
export const positionKey = (incarnation: string): string => packedKey(incarnation, positionSlot)

/** The `overrides` key of a packed row's cell in a column outside its shape (or past its slots). */
export function looseKey(incarnation: string, columnId: ColumnId): string {
  return loose + columnId + separator + incarnation
}

/** What an `overrides` key names: the incarnation and a slot (0: position) or a column id. */
export type OverrideTarget =
  | { readonly incarnation: string; readonly slot: number }
  | { readonly incarnation: string; readonly columnId: ColumnId }

/** The target of an `overrides` key; undefined for a malformed one. */
export function parseOverrideKey(key: string): OverrideTarget | undefined {
  if (!key.startsWith(loose)) {
    return key.length > 1 ? { incarnation: key.slice(1), slot: key.charCodeAt(0) } : undefined
  }
  const at = key.indexOf(separator)
  if (at < 2 || at === key.length - 1) return undefined
  return { incarnation: key.slice(at + 1), columnId: key.slice(1, at) as ColumnId }
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

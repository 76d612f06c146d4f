// Rows of every data format (layout.ts), read and written one way: a row's state (its life,
// position and cell layout), its inserted cells, and the overrides of its current life. The rest
// of the core goes through here and never reads a stored value itself. Format 3 rows keep their
// inserted cells in `v` (values-array.ts, read through first-values.ts) and their overrides
// exactly as format 2.
import * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import { firstValueOf, firstValueReaderOf } from './first-values.js'
import { parseIncarnation, prefixLengthOf } from './incarnation.js'
import {
  cellKey,
  firstCell,
  isFormatOneRow,
  looseKey,
  maxPackedSlot,
  overrideFor,
  packedKey,
  positionColumn,
  positionKey,
  type FormatOneRow,
  type TableMaps,
} from './layout.js'
import type { Position } from './row-order.js'
import type { RowShapes, Shape } from './row-shapes.js'
import { newestItem } from './transaction-diff.js'
import { valuesRow, type ValuesRow } from './values-array.js'
import { valuesCells, valuesPlaceOf, type ValuesPlace } from './values-row.js'

/** A row life's incarnation: a number in format 1, the short id string in formats 2 and 3. */
export type Incarnation = number | string

/** A live row's identity: its life, its current manual-order key, and how its cells are stored. */
export interface RowState {
  readonly id: RowId
  readonly inc: Incarnation
  readonly position: Position
  /** The shape of a packed (format 2 or 3) row's cells; undefined for a format 1 row. */
  readonly shape: Shape | undefined
  /**
   * Format 3: the clock of the row's first value in `v` (its writer's client is its
   * incarnation's, values-array.ts); -1 for format 1 and 2 rows.
   */
  readonly first: number
}

/** The incarnation a format 2 or 3 row value names (unchecked); undefined for other values. */
export function storedIncOf(value: unknown): string | undefined {
  const inc: unknown = Array.isArray(value)
    ? value[1]
    : typeof value === 'object' && value !== null
      ? (value as { i?: unknown }).i
      : undefined
  return typeof inc === 'string' ? inc : undefined
}

/**
 * The shape of a packed row value of format 2 or 3, when `value` is one (checked: data from
 * storage, S19); its incarnation is storedIncOf's.
 */
export function packedShapeOf(value: unknown, shapes: RowShapes): Shape | undefined {
  if (!Array.isArray(value)) {
    return firstValueOf(value) < 0
      ? undefined
      : shapes.of((value as ValuesRow).s, (value as ValuesRow).i)
  }
  if (value.length < firstCell) return undefined
  const [number, inc, position] = value as unknown[]
  if (typeof inc !== 'string' || typeof position !== 'string' || typeof number !== 'number')
    return undefined
  if (!Number.isSafeInteger(number) || number < 0 || prefixLengthOf(inc) === undefined)
    return undefined
  const shape = shapes.of(number, inc)
  return shape !== undefined && shape.ids.length === value.length - firstCell ? shape : undefined
}

/**
 * The state of row `id` stored as `value`, or undefined when it is not a row (S19).
 * `hasOverrides` false skips the lookup of a moved position (the row was never edited).
 */
export function rowStateOf(
  maps: TableMaps,
  shapes: RowShapes,
  id: RowId,
  value: unknown,
  hasOverrides: boolean,
): RowState | undefined {
  const shape = Array.isArray(value) ? packedShapeOf(value, shapes) : undefined
  if (shape !== undefined) {
    const packed = value as readonly unknown[]
    const inc = packed[1] as string
    const moved = hasOverrides ? maps.overrides.get(positionKey(inc)) : undefined
    const position = typeof moved === 'string' ? moved : (packed[2] as Position)
    return { id, inc, position, shape, first: -1 }
  }
  const first = firstValueOf(value)
  if (first >= 0) {
    const row = value as ValuesRow
    const shape = shapes.of(row.s, row.i)
    if (shape === undefined) return undefined
    const moved = hasOverrides ? maps.overrides.get(positionKey(row.i)) : undefined
    return { id, inc: row.i, position: typeof moved === 'string' ? moved : row.p, shape, first }
  }
  if (!isFormatOneRow(value)) return undefined
  const moved = hasOverrides
    ? overrideFor(maps.cells.get(cellKey(id, positionColumn)), value.i)?.value
    : undefined
  return {
    id,
    inc: value.i,
    position: typeof moved === 'string' ? moved : value.p,
    shape: undefined,
    first: -1,
  }
}

/**
 * The value row `state` (stored as `value`) was inserted with for `columnId`; undefined when it
 * wrote none. A format 3 row's is its first value in `maps.values`.
 */
export function insertedCell(
  maps: TableMaps,
  state: RowState,
  value: unknown,
  columnId: ColumnId,
): { value: unknown } | undefined {
  if (state.shape === undefined) {
    const { c } = value as { c: Readonly<Record<string, unknown>> }
    return Object.hasOwn(c, columnId) ? { value: c[columnId] } : undefined
  }
  const slot = state.shape.slots.get(columnId)
  if (slot === undefined) return undefined
  // A packed cell holding nothing was dropped by the server's checks (S31), and a first value
  // deleted or missing was never written or reclaimed: neither was written.
  const cell =
    state.first < 0
      ? (value as unknown[])[firstCell + slot]
      : firstValueReaderOf(maps.values)(state.inc as string, state.first + slot)
  return cell === undefined ? undefined : { value: cell }
}

/** The key of a cell override of packed row `state` in `overrides`. */
export function overrideKeyOf(state: RowState, columnId: ColumnId): string {
  const inc = state.inc as string
  if (columnId === positionColumn) return positionKey(inc)
  const slot = state.shape!.slots.get(columnId)
  return slot !== undefined && slot < maxPackedSlot
    ? packedKey(inc, slot + 1)
    : looseKey(inc, columnId)
}

/** A packed override value readers use: a plain value (a Yjs type is ignored, S19). */
const isPlain = (value: unknown): boolean =>
  value !== undefined && !(value instanceof Y.AbstractType)

/** The override of a cell (or with positionColumn, the position) in the row's current life. */
export function overrideOf(
  maps: TableMaps,
  state: RowState,
  columnId: ColumnId,
): { value: unknown } | undefined {
  if (state.shape === undefined)
    return overrideFor(maps.cells.get(cellKey(state.id, columnId)), state.inc as number)
  const value = maps.overrides.get(overrideKeyOf(state, columnId))
  return isPlain(value) ? { value } : undefined
}

/** Writes an override of a cell (or the position) in the row's current life. */
export function writeOverride(
  maps: TableMaps,
  state: RowState,
  columnId: ColumnId,
  value: unknown,
): void {
  if (state.shape === undefined) maps.cells.set(cellKey(state.id, columnId), [state.inc, value])
  else maps.overrides.set(overrideKeyOf(state, columnId), value)
}

/** Deletes the override of one cell (or, with positionColumn, the position) of the row's life. */
export function deleteOverride(maps: TableMaps, state: RowState, columnId: ColumnId): void {
  if (state.shape === undefined) maps.cells.delete(cellKey(state.id, columnId))
  else maps.overrides.delete(overrideKeyOf(state, columnId))
}

/** Deletes the overrides of the row's current life that this replica knows of. */
export function deleteOverrides(
  maps: TableMaps,
  state: RowState,
  columnIds: readonly ColumnId[],
): void {
  const map = state.shape === undefined ? maps.cells : maps.overrides
  for (const columnId of [positionColumn, ...columnIds]) {
    const key =
      state.shape === undefined ? cellKey(state.id, columnId) : overrideKeyOf(state, columnId)
    if (map.has(key)) map.delete(key)
  }
}

/** Each rows map's incarnations already found, with their row ids (at most `maxKnownLives`). */
const knownLives = new WeakMap<object, Map<string, RowId>>()
const maxKnownLives = 100_000

/**
 * The row id whose life `incarnation` (format 2) is, read from Yjs: the key of the item that
 * first stored it; undefined when that item is unknown here (it may arrive later).
 */
export function rowIdOfIncarnation(maps: TableMaps, incarnation: string): RowId | undefined {
  let known = knownLives.get(maps.rows)
  const found = known?.get(incarnation)
  if (found !== undefined) return found
  const id = parseIncarnation(incarnation)
  const { store } = maps.rows.doc!
  if (id === undefined || Y.getState(store, id.client) <= id.clock) return undefined
  const item = Y.getItem(store, Y.createID(id.client, id.clock))
  if (!(item instanceof Y.Item) || item.parent !== (maps.rows as unknown)) return undefined
  const rowId = (item.parentSub ?? undefined) as RowId | undefined
  // An item's key and parent never change, and a map's items stay Y.Items once deleted (Yjs
  // turns items into GC structs only under a deleted parent, and the rows map is a root type):
  // the answer found once is the answer for the doc's life.
  if (rowId === undefined) return undefined
  if (known === undefined) knownLives.set(maps.rows, (known = new Map<string, RowId>()))
  else if (known.size >= maxKnownLives) known.clear()
  known.set(incarnation, rowId)
  return rowId
}

/** A row value of either format, decoded for comparing and checking (the server's checks). */
export interface DecodedRow {
  readonly inc: Incarnation
  readonly position: unknown
  /** The cells the value holds, by column id (a packed cell that holds nothing is absent). */
  readonly cells: ReadonlyMap<ColumnId, unknown>
  /** The shape number and shape of a packed row; undefined for format 1. */
  readonly packed: { readonly number: number; readonly shape: Shape } | undefined
  /** Where a format 3 row's first values are (values-row.ts); undefined for formats 1 and 2. */
  readonly values?: ValuesPlace | undefined
}

/**
 * Decodes a row value of either format; undefined when it is not one (S31). A packed row's
 * incarnation must name an item of its own key (`id`): its first life's, or its own.
 */
export function decodeRow(
  maps: TableMaps,
  shapes: RowShapes,
  id: RowId,
  value: unknown,
): DecodedRow | undefined {
  const values = valuesPlaceOf(value, shapes)
  if (values !== undefined) {
    // Its own item, as for every row inserted and not rewritten, is found without a lookup.
    const own = newestItem(maps.rows, id)?.id
    const isOwn = own?.client === values.client && own.clock === values.incClock
    if (!isOwn && rowIdOfIncarnation(maps, values.inc) !== id) return undefined
    const cells = valuesCells(maps.rows.doc!, values)
    return { inc: values.inc, position: values.position, cells, packed: undefined, values }
  }
  // The row's format, life and stored position are read as every reader reads them.
  const state = rowStateOf(maps, shapes, id, value, false)
  // A format 3 value that valuesPlaceOf refused is no row here (S286).
  if (state === undefined || state.first >= 0) return undefined
  const { inc, position, shape } = state
  if (shape === undefined) {
    const cells = new Map(Object.entries((value as FormatOneRow).c) as [ColumnId, unknown][])
    return { inc, position, cells, packed: undefined }
  }
  const packed = value as readonly unknown[]
  if (rowIdOfIncarnation(maps, inc as string) !== id) return undefined
  const cells = new Map<ColumnId, unknown>()
  shape.ids.forEach((columnId, slot) => {
    const cell = packed[firstCell + slot]
    if (cell !== undefined) cells.set(columnId, cell)
  })
  return { inc, position, cells, packed: { number: packed[0] as number, shape } }
}

/** The stored value of `row` with other cells and position, in its own format and life. */
export function encodeRow(
  row: DecodedRow,
  cells: ReadonlyMap<ColumnId, unknown>,
  position: Position,
): unknown {
  // A format 3 row's cells are its first values in `v`: only its position is written here.
  if (row.values !== undefined)
    return valuesRow(row.values.shape, row.values.inc, position, row.values.back)
  if (row.packed === undefined) return { i: row.inc, p: position, c: Object.fromEntries(cells) }
  // A cell the shape has but `cells` lacks is stored as nothing (it reads as the default).
  return [
    row.packed.number,
    row.inc,
    position,
    ...row.packed.shape.ids.map((columnId) => cells.get(columnId)),
  ]
}

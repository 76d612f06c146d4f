// Everything partial sync assumes about the table layout (docs/architecture.md, "Layout"), in one
// place: how the server reads a row's values and Yjs ids straight from the doc's maps, and which
// map writes a window client's row edits are. When the layout changes, this module changes.
import type * as Y from 'yjs'
import { createIncarnation, type ColumnId, type RowId } from '../ids.js'
import {
  cellKey,
  isStoredRow,
  overrideFor,
  positionColumn,
  type StoredRow,
  type TableMaps,
} from '../layout.js'
import type { Position } from '../row-order.js'
import type { ItemId, KeyRef } from '../wire/window-messages.js'
import type { MapSet } from './map-update.js'

/** A map type's entries by key: the last Yjs item of each key, deleted or not. */
type ItemMap = ReadonlyMap<string, Y.Item>

const itemsOf = (map: Y.Map<unknown>): ItemMap => (map as unknown as { _map: ItemMap })._map

/** The values of a map item (always a ContentAny in a table's maps). */
const contentOf = (item: Y.Item): readonly unknown[] =>
  (item.content as unknown as { arr: readonly unknown[] }).arr

/** The Yjs id of an item's last clock: what a later write of its key names as its origin. */
const lastIdOf = (item: Y.Item): ItemId => ({
  client: item.id.client,
  clock: item.id.clock + item.length - 1,
})

/** A live row as stored: its value and the Yjs item holding it. */
export interface StoredRowItem {
  readonly stored: StoredRow
  readonly item: Y.Item
}

/** The live row `id` of `maps`, or undefined (absent, deleted or malformed: S19). */
export function storedRowOf(maps: TableMaps, id: string): StoredRowItem | undefined {
  const item = itemsOf(maps.rows as Y.Map<unknown>).get(id)
  if (item === undefined || item.deleted) return undefined
  const stored: unknown = contentOf(item)[item.length - 1]
  return isStoredRow(stored) ? { stored, item } : undefined
}

/** Calls `visit` for every live row of `maps`, in the rows map's own order (no sort). */
export function forEachStoredRow(
  maps: TableMaps,
  visit: (id: RowId, row: StoredRowItem) => void,
): void {
  storedRowCursor(maps)(Infinity, visit)
}

/**
 * A cursor over the live rows of `maps` in the rows map's own order: each call visits up to
 * `count` more keys and returns false once every key was visited. Keys written while it runs
 * may or may not be visited (the caller reads the rows a change touched again).
 */
export function storedRowCursor(
  maps: TableMaps,
): (count: number, visit: (id: RowId, row: StoredRowItem) => void) => boolean {
  const entries = itemsOf(maps.rows as Y.Map<unknown>).entries()
  return (count, visit) => {
    for (let seen = 0; seen < count; seen++) {
      const next = entries.next()
      if (next.done === true) return false
      const [id, item] = next.value
      if (item.deleted) continue
      const stored: unknown = contentOf(item)[item.length - 1]
      if (isStoredRow(stored)) visit(id as RowId, { stored, item })
    }
    return true
  }
}

/**
 * What a cell shows before it is read under its column type (S14): its override in the row's
 * incarnation, else its inserted value, else `fallback` (the column default).
 * `hasOverrides` false skips the override lookup (most rows have none).
 */
export function storedCellOf(
  maps: TableMaps,
  id: RowId,
  stored: StoredRow,
  column: ColumnId,
  hasOverrides: boolean,
  fallback: unknown,
): unknown {
  if (hasOverrides) {
    const override = overrideFor(maps.cells.get(cellKey(id, column)), stored.i)
    if (override !== undefined) return override.value
  }
  return column in stored.c ? stored.c[column] : fallback
}

/** The row's position: its position override in its incarnation, else the inserted one. */
export function positionOf(
  maps: TableMaps,
  id: RowId,
  stored: StoredRow,
  hasOverrides: boolean,
): Position {
  const moved = storedCellOf(maps, id, stored, positionColumn, hasOverrides, undefined)
  return typeof moved === 'string' ? moved : stored.p
}

/**
 * The Yjs ids of the override keys of row `id` that have any item: the position key and one per
 * column id in `columns` (removed columns included, as a delete removes their overrides too).
 */
export function keyRefsOf(maps: TableMaps, id: RowId, columns: readonly ColumnId[]): KeyRef[] {
  const items = itemsOf(maps.cells as Y.Map<unknown>)
  const keys: KeyRef[] = []
  for (const column of [positionColumn, ...columns]) {
    const item = items.get(cellKey(id, column))
    if (item !== undefined) keys.push({ column, item: lastIdOf(item), isAlive: !item.deleted })
  }
  return keys
}

/** The Yjs id of a live row's item (map items of live keys are one clock long). */
export const rowItemIdOf = (row: StoredRowItem): ItemId => lastIdOf(row.item)

/** The row id and column id of a `cells` key: the row part is what a change touches. */
export { splitCellKey as cellKeyParts } from '../layout.js'

/** The column id under which overrides of the position are kept. */
export { positionColumn } from '../layout.js'

/** What a window client knows of a row it may write: enough to name what its writes replace. */
export interface WritableRow {
  readonly id: RowId
  /** The Yjs item of the row's value (deleted by a row delete). */
  readonly item: ItemId
  readonly incarnation: unknown
  /** The last item of each override key (column id, "" for the position). */
  readonly keys: ReadonlyMap<string, { readonly item: ItemId; readonly isAlive: boolean }>
}

/** A window client's write of one cell (or, with positionColumn, of the position). */
export function overrideSet(row: WritableRow, column: string, value: unknown): MapSet {
  return {
    map: 'cells',
    key: cellKey(row.id, column as ColumnId),
    value: [row.incarnation, value],
    origin: row.keys.get(column)?.item ?? null,
  }
}

/** The items a full replica's `deleteRow` deletes: the row value and every live override. */
export function rowDeletes(row: WritableRow): ItemId[] {
  const deletes = [row.item]
  for (const key of row.keys.values()) if (key.isAlive) deletes.push(key.item)
  return deletes
}

/** The incarnation of a new row life a window client inserts (data format 1: a random number). */
export function newIncarnation(): unknown {
  return createIncarnation()
}

/** A window client's insert of a new row: one value in the rows map (origin: the key's last item). */
export function rowSet(
  id: RowId,
  incarnation: unknown,
  position: Position,
  cells: Readonly<Record<string, unknown>>,
  origin: ItemId | null,
): MapSet {
  return { map: 'rows', key: id, value: { i: incarnation, p: position, c: cells }, origin }
}

// Everything partial sync assumes about the table layout (docs/architecture.md, "Layout"), in one
// place: how the server reads a row's state, cells and Yjs ids from the doc's maps (through the
// core's reader of both data formats, stored-row.ts), and which map writes a window client's row
// edits are. When the layout changes, this module changes.
import type * as Y from 'yjs'
import { createIncarnation, type ColumnId, type RowId } from '../ids.js'
import {
  cellKey,
  looseKey,
  maxPackedSlot,
  packedKey,
  parseOverrideKey,
  positionColumn,
  positionKey,
  splitCellKey,
  type TableMaps,
} from '../layout.js'
import type { Position } from '../row-order.js'
import { createRowShapes } from '../row-shapes.js'
import { readCell, type CellValue, type Column } from '../schema.js'
import {
  insertedCell,
  overrideKeyOf,
  overrideOf,
  rowIdOfIncarnation,
  rowStateOf,
  storedIncOf,
  type RowState,
} from '../stored-row.js'
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

/** A live row as stored (either data format): its value, its state and the Yjs item holding it. */
export interface StoredRowItem {
  readonly value: unknown
  readonly state: RowState
  readonly item: Y.Item
}

/** How partial sync reads one table's rows from its doc. */
export interface WindowLayout {
  /** The live row `id`, or undefined (absent, deleted or malformed: S19). */
  rowOf(id: string): StoredRowItem | undefined
  /**
   * A cursor over the live rows in the rows map's own order: each call visits up to `count`
   * more keys and returns false once every key was visited. Keys written while it runs may or
   * may not be visited (the caller reads the rows a change touched again).
   */
  cursor(): (count: number, visit: (row: StoredRowItem) => void) => boolean
  /** What a cell shows (S14, S15), as the core's reader reads it. */
  cellOf(row: StoredRowItem, column: Column): CellValue
  /** The Yjs ids of the row's override keys that have any item (position and `columns`). */
  keyRefsOf(row: StoredRowItem, columns: readonly ColumnId[]): KeyRef[]
  /** For a packed row, the override slot of each of `columns` (0: a loose key); [] in format 1. */
  slotsOf(row: StoredRowItem, columns: readonly Column[]): number[]
  /** The rows whose value or overrides a transaction touched (notes overrides, new shapes). */
  touchedRows(transaction: Y.Transaction): Set<RowId>
}

/** The layout reader of the table in `maps`. */
export function createWindowLayout(maps: TableMaps): WindowLayout {
  const shapes = createRowShapes(maps)
  // Format 1 rows and format 2 lives with an override key, live or not: the others' cells are
  // all in their row value, so reads skip the lookups.
  const rowsWithCells = new Set<string>()
  const livesWithOverrides = new Set<string>()
  for (const key of itemsOf(maps.cells).keys()) rowsWithCells.add(splitCellKey(key)[0])
  for (const key of itemsOf(maps.overrides).keys()) {
    const target = parseOverrideKey(key)
    if (target !== undefined) livesWithOverrides.add(target.incarnation)
  }
  const hasOverrides = (id: string, value: unknown): boolean => {
    const inc = storedIncOf(value)
    return inc === undefined ? rowsWithCells.has(id) : livesWithOverrides.has(inc)
  }
  const rowOfItem = (id: string, item: Y.Item): StoredRowItem | undefined => {
    if (item.deleted) return undefined
    const value: unknown = contentOf(item)[item.length - 1]
    const state = rowStateOf(maps, shapes, id as RowId, value, hasOverrides(id, value))
    return state === undefined ? undefined : { value, state, item }
  }
  const rows = itemsOf(maps.rows)

  return {
    rowOf(id) {
      const item = rows.get(id)
      return item === undefined ? undefined : rowOfItem(id, item)
    },
    cursor() {
      const entries = rows.entries()
      return (count, visit) => {
        for (let seen = 0; seen < count; seen++) {
          const next = entries.next()
          if (next.done === true) return false
          const row = rowOfItem(...next.value)
          if (row !== undefined) visit(row)
        }
        return true
      }
    },
    cellOf({ state, value }, column) {
      const override = hasOverrides(state.id, value)
        ? overrideOf(maps, state, column.id)
        : undefined
      const cell = override ?? insertedCell(maps, state, value, column.id)
      return readCell(column.type, cell === undefined ? column.default : cell.value)
    },
    keyRefsOf({ state, value }, columns) {
      if (!hasOverrides(state.id, value)) return []
      const packed = state.shape !== undefined
      const items = itemsOf(packed ? maps.overrides : maps.cells)
      const keys: KeyRef[] = []
      for (const column of [positionColumn, ...columns]) {
        const item = items.get(packed ? overrideKeyOf(state, column) : cellKey(state.id, column))
        if (item !== undefined) keys.push({ column, item: lastIdOf(item), isAlive: !item.deleted })
      }
      return keys
    },
    slotsOf({ state }, columns) {
      const { shape } = state
      if (shape === undefined) return []
      return columns.map((column) => {
        const slot = shape.slots.get(column.id)
        return slot !== undefined && slot < maxPackedSlot ? slot + 1 : 0
      })
    },
    touchedRows: (transaction) =>
      touchedRows(
        transaction,
        maps,
        (keys) => {
          shapes.invalidate(keys)
        },
        {
          rowsWithCells,
          livesWithOverrides,
        },
      ),
  }
}

/** The rows a transaction touched; notes new override keys and forgets changed shapes. */
function touchedRows(
  transaction: Y.Transaction,
  maps: TableMaps,
  invalidateShapes: (keys: Iterable<string | null>) => void,
  noted: { rowsWithCells: Set<string>; livesWithOverrides: Set<string> },
): Set<RowId> {
  const touched = new Set<RowId>()
  const shapeKeys = transaction.changed.get(maps.shapes as never)
  if (shapeKeys !== undefined) invalidateShapes(shapeKeys)
  for (const [type, keys] of transaction.changed) {
    for (const key of keys) {
      if (key === null) continue
      if ((type as unknown) === maps.rows) touched.add(key as RowId)
      else if ((type as unknown) === maps.cells) {
        const [id] = splitCellKey(key)
        noted.rowsWithCells.add(id)
        touched.add(id)
      } else if ((type as unknown) === maps.overrides) {
        const target = parseOverrideKey(key)
        if (target === undefined) continue
        noted.livesWithOverrides.add(target.incarnation)
        // A life whose insert has not arrived has no row yet; its insert touches it later.
        const id = rowIdOfIncarnation(maps, target.incarnation)
        if (id !== undefined) touched.add(id)
      }
    }
  }
  return touched
}

/** The row's position as the core reads it (its move in its current life, else its insert). */
export const positionOf = (row: StoredRowItem): Position => row.state.position

/** The Yjs id of a live row's item (map items of live keys are one clock long). */
export const rowItemIdOf = (row: StoredRowItem): ItemId => lastIdOf(row.item)

/** The column id under which overrides of the position are kept. */
export { positionColumn } from '../layout.js'

/** What a window client knows of a row it may write: enough to name what its writes replace. */
export interface WritableRow {
  readonly id: RowId
  /** The Yjs item of the row's value (deleted by a row delete). */
  readonly item: ItemId
  /** A number in data format 1, the life's short id string in format 2. */
  readonly incarnation: unknown
  /** Format 2: the override slot of each column id (absent or 0: a loose key); undefined in format 1. */
  readonly slots: ReadonlyMap<string, number> | undefined
  /** The last item of each override key (column id, "" for the position). */
  readonly keys: ReadonlyMap<string, { readonly item: ItemId; readonly isAlive: boolean }>
}

/**
 * A window client's write of one cell (or, with positionColumn, of the position): the same key
 * and value a full replica's write of that row writes (stored-row.ts, writeOverride).
 */
export function overrideSet(row: WritableRow, column: string, value: unknown): MapSet {
  const origin = row.keys.get(column)?.item ?? null
  if (row.slots === undefined) {
    const key = cellKey(row.id, column as ColumnId)
    return { map: 'cells', key, value: [row.incarnation, value], origin }
  }
  const inc = row.incarnation as string
  const slot = row.slots.get(column) ?? 0
  const key =
    column === positionColumn
      ? positionKey(inc)
      : slot > 0
        ? packedKey(inc, slot)
        : looseKey(inc, column as ColumnId)
  return { map: 'o', key, value, origin }
}

/** The items a full replica's `deleteRow` deletes: the row value and every live override. */
export function rowDeletes(row: WritableRow): ItemId[] {
  const deletes = [row.item]
  for (const key of row.keys.values()) if (key.isAlive) deletes.push(key.item)
  return deletes
}

/**
 * The incarnation of a new row life a window client inserts. Window inserts are rows of data
 * format 1 (a random number, cells named): every reader reads them (S127) and the server accepts
 * them from any writer who may insert, where a packed row would need a shape of the window
 * client's own, written once per client (S128).
 */
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

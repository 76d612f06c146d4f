// Writing recorded values back into a row life, shared by undo's write-back in the undo step
// (undo-values.ts, S276) and the late write-back of a restored row (undo-late.ts, S277): which
// cells read differently from what was recorded, and each override written as the redone copy
// of the item it stands for, as Yjs's own redo links do.
import type * as Y from 'yjs'
import type { ColumnId } from './ids.js'
import { cellKey, positionColumn, type TableMaps } from './layout.js'
import type { Position } from './row-order.js'
import { readCell, type CellValue, type Column } from './schema.js'
import {
  insertedCell,
  overrideKeyOf,
  overrideOf,
  writeOverride,
  type RowState,
} from './stored-row.js'
import { isSameValue, newestItem } from './transaction-diff.js'

/** The map and key of one cell's (or with positionColumn, the position's) override. */
export function overrideAt(maps: TableMaps, state: RowState, columnId: ColumnId) {
  return state.shape === undefined
    ? { map: maps.cells, key: cellKey(state.id, columnId) }
    : { map: maps.overrides, key: overrideKeyOf(state, columnId) }
}

/** What a cell of a live row (its rows-map value `value`) reads now. */
export function readNow(
  maps: TableMaps,
  state: RowState,
  value: unknown,
  column: Column,
): CellValue {
  const cell = overrideOf(maps, state, column.id) ?? insertedCell(maps, state, value, column.id)
  return readCell(column.type, cell === undefined ? column.default : cell.value)
}

/**
 * S294, S295: true when a cell of a format 3 row reads `recorded` from its first value, which
 * the server's reclaim may delete (S291: here, or already on the server while this client was
 * offline), unless the default it would then read is `recorded` too. Such a cell is written
 * back as an override: an undo never relies on a first value.
 */
function readsFirstValue(
  maps: TableMaps,
  state: RowState,
  column: Column,
  recorded: CellValue,
): boolean {
  if (state.first < 0 || state.shape?.slots.has(column.id) !== true) return false
  if (overrideOf(maps, state, column.id) !== undefined) return false
  return !isSameValue(readCell(column.type, column.default), recorded)
}

/** What to write back into one row life, and which items a write stands for. */
export interface RecordedWrite {
  readonly position: Position | undefined
  readonly cells: Iterable<[ColumnId, CellValue]>
  /** The row's columns by id; a recorded cell of a column not among them is skipped. */
  readonly byId: ReadonlyMap<ColumnId, Column>
  /** False where something else's write must stay (checked before the cell is read). */
  readonly isFree: (columnId: ColumnId) => boolean
  /** The item, at a written key, that the new override is the redone copy of. */
  readonly isLost: (item: Y.Item) => boolean
}

/** Writes the recorded position and each recorded cell that is free and reads differently. */
export function writeRecorded(
  maps: TableMaps,
  state: RowState,
  value: unknown,
  write: RecordedWrite,
): void {
  const { position, byId, isFree } = write
  if (position !== undefined && state.position !== position && isFree(positionColumn))
    writeLinked(maps, state, positionColumn, position, write.isLost)
  for (const [columnId, recorded] of write.cells) {
    const column = byId.get(columnId)
    if (column === undefined || !isFree(columnId)) continue
    if (
      !isSameValue(readNow(maps, state, value, column), recorded) ||
      readsFirstValue(maps, state, column, recorded)
    )
      writeLinked(maps, state, columnId, recorded, write.isLost)
  }
}

/**
 * Writes an override and makes it the redone copy (`redone`) of the newest item at its key
 * that `isLost` names: an undo step that still names that item then takes back the copy.
 */
function writeLinked(
  maps: TableMaps,
  state: RowState,
  columnId: ColumnId,
  value: unknown,
  isLost: (item: Y.Item) => boolean,
): void {
  const { map, key } = overrideAt(maps, state, columnId)
  let lost = newestItem(map, key) ?? null
  while (lost !== null && !isLost(lost)) lost = lost.left
  writeOverride(maps, state, columnId, value)
  const copy = newestItem(map, key)
  if (lost !== null && copy !== undefined) lost.redone = copy.id
}

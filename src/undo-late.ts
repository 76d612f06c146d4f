// Late write-back of a row that an undo (or redo) brought back (docs/semantics.md S277): an edit
// of the row made concurrently with its delete, or the server's reclaim of one (S129), may reach
// this replica only after the undo (it was offline). Yjs then orders that edit against the
// restored override as concurrent writes of one key, and the loser is deleted: the restored
// value can vanish. The row's recorded cells are checked again when such changes arrive.
import * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import type { Position } from './row-order.js'
import { parseOverrideKey, positionColumn, splitCellKey, type TableMaps } from './layout.js'
import { changedKeys as changedKeySet } from './row-changes.js'
import { createRowShapes } from './row-shapes.js'
import { type CellValue, type Column } from './schema.js'
import { rowStateOf, type Incarnation, type RowState } from './stored-row.js'
import { changedKeys, newestItem } from './transaction-diff.js'
import { overrideAt, readNow, writeRecorded } from './undo-write.js'

/** A row life an undo or redo of this replica brought back, and what it must read. */
export interface RestoredRow {
  readonly row: {
    readonly id: RowId
    readonly inc: Incarnation
    /** The position to keep; undefined once nothing is to be kept of it. */
    position: Position | undefined
    /** The cells to keep, as they must read. */
    readonly cells: Map<ColumnId, CellValue>
  }
  /** The life as restored (its shape says where its overrides are). */
  readonly state: RowState
  /** This replica's Yjs client id and its first clock in the restoring transaction. */
  readonly client: number
  readonly fromClock: number
}

/**
 * True when `item` was written by someone who had seen the restoring transaction: following
 * its origins (the value each write saw at its key) reaches an item of this replica from that
 * transaction on. A write that never saw it was made while the row was deleted: concurrent
 * with the delete, which it loses to (S3, S275).
 */
function hasSeen(store: Y.Doc['store'], item: Y.Item, restored: RestoredRow): boolean {
  let id: Y.ID | null = item.id
  for (let steps = 0; id !== null && steps < 10_000; steps++) {
    if (id.client === restored.client && id.clock >= restored.fromClock) return true
    if (Y.getState(store, id.client) <= id.clock) return false
    const struct = Y.getItem(store, id)
    if (!(struct instanceof Y.Item)) return false
    id = struct.origin
  }
  return false
}

/**
 * Takes what this replica's own transaction wrote to a restored row (an edit, another undo) as
 * what its cells must read from now on: the user's later write decides them, and a late
 * concurrent edit must not bring back its own value over them either. Returns false when the
 * life is no longer the row's (deleted or replaced): nothing to watch.
 */
export function noteWritten(
  maps: TableMaps,
  columns: readonly Column[],
  transaction: Y.Transaction,
  restored: RestoredRow,
): boolean {
  const { row } = restored
  const isWritten = (columnId: ColumnId): boolean => {
    const { map, key } = overrideAt(maps, restored.state, columnId)
    return changedKeySet(transaction, map).has(key)
  }
  const written = [...row.cells.keys()].filter(isWritten)
  const isMoved = row.position !== undefined && isWritten(positionColumn)
  if (written.length === 0 && !isMoved && !changedKeySet(transaction, maps.rows).has(row.id))
    return true
  const value = maps.rows.get(row.id)
  const state = rowStateOf(maps, createRowShapes(maps), row.id, value, true)
  if (state === undefined || state.inc !== row.inc) return false
  if (isMoved) row.position = state.position
  const byId = new Map(columns.map((column) => [column.id, column]))
  for (const columnId of written) {
    const column = byId.get(columnId)
    if (column === undefined) row.cells.delete(columnId)
    else row.cells.set(columnId, readNow(maps, state, value, column))
  }
  return true
}

/**
 * Writes back, in the running transaction, each recorded cell (and the position) of `restored`
 * that no longer reads its recorded value unless a write that saw the restore holds it.
 * Returns false when the life is no longer the row's (deleted or replaced): nothing to watch.
 */
export function repairRestored(
  maps: TableMaps,
  columns: readonly Column[],
  restored: RestoredRow,
): boolean {
  const { row } = restored
  const value = maps.rows.get(row.id)
  const state = rowStateOf(maps, createRowShapes(maps), row.id, value, true)
  if (state === undefined || state.inc !== row.inc) return false
  const { store } = maps.rows.doc!
  const isHeld = (columnId: ColumnId): boolean => {
    const { map, key } = overrideAt(maps, state, columnId)
    const item = newestItem(map, key)
    return item !== undefined && !item.deleted && hasSeen(store, item, restored)
  }
  writeRecorded(maps, state, value, {
    position: row.position,
    cells: row.cells,
    byId: new Map(columns.map((column) => [column.id, column])),
    isFree: (columnId) => !isHeld(columnId),
    isLost: (item) => isLostRestore(item, restored),
  })
  return true
}

/** The restoring transaction's own item at a key, deleted by a late write that never saw it. */
const isLostRestore = (item: Y.Item, restored: RestoredRow): boolean =>
  item.deleted &&
  item.redone === null &&
  item.id.client === restored.client &&
  item.id.clock >= restored.fromClock

/** The row ids whose value or format 1 overrides, and the lives whose overrides, it changed. */
export function touchedRows(
  maps: TableMaps,
  transaction: Y.Transaction,
): { ids: Set<string>; lives: Set<string> } {
  const ids = new Set(changedKeys(transaction, maps.rows))
  for (const key of changedKeys(transaction, maps.cells)) ids.add(splitCellKey(key)[0])
  const lives = new Set<string>()
  for (const key of changedKeys(transaction, maps.overrides)) {
    const inc = parseOverrideKey(key)?.incarnation
    if (inc !== undefined) lives.add(inc)
  }
  return { ids, lives }
}

// Undo by value (docs/semantics.md S275, S276): what an undo step took away from the table,
// recorded as the cells read before it, and written back where an undo leaves them reading
// otherwise. Yjs's UndoManager restores items, and cannot bring back an item that someone else
// deleted (the server's reclaim, S129) or a map key someone else wrote meanwhile. Pure Yjs over
// the table's maps; knows nothing of the UndoManager (client/undo.ts drives it).
import * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import { cellKey, overrideFor, parseOverrideKey, positionColumn, splitCellKey } from './layout.js'
import type { TableMaps } from './layout.js'
import type { Position } from './row-order.js'
import { createRowShapes, type RowShapes } from './row-shapes.js'
import { readCell, type CellValue, type Column } from './schema.js'
import {
  insertedCell,
  overrideKeyOf,
  overrideOf,
  rowIdOfIncarnation,
  rowStateOf,
  type Incarnation,
  type RowState,
} from './stored-row.js'
import { changedKeys, isCreatedIn, newestItem, valueBefore } from './transaction-diff.js'
import { writeRecorded } from './undo-write.js'

/** One row life as an undo step found it: the cells (and position) the step took away. */
export interface RecordedRow {
  readonly id: RowId
  readonly inc: Incarnation
  /** True when the step deleted the life: all its cells and its position are recorded. */
  isDeleted: boolean
  /** The position before the step; undefined when the step did not move or delete the row. */
  position: Position | undefined
  /** Cells the step wrote, as they read before the step, by column id (made on first use). */
  cells: Map<ColumnId, CellValue> | undefined
  /**
   * Every cell of a deleted life as it read just before the delete, in the order of `ids` (the
   * step's columns, one array for all its rows: a delete of many rows keeps one array a row).
   * `cells` wins where both hold a column (merged steps keep their start).
   */
  deleted: { readonly ids: readonly ColumnId[]; readonly values: readonly CellValue[] } | undefined
}

/** Every recorded cell of a row: its written cells, then its deleted life's other cells. */
export function* recordedCells(row: RecordedRow): Generator<[ColumnId, CellValue]> {
  if (row.cells !== undefined) yield* row.cells
  const { deleted } = row
  if (deleted === undefined) return
  for (let index = 0; index < deleted.ids.length; index++) {
    const id = deleted.ids[index]!
    if (row.cells?.has(id) !== true) yield [id, deleted.values[index]!]
  }
}

/** What one undo step took away, by row life (`recordedKey`). */
export type RecordedStep = Map<string, RecordedRow>

/** A Yjs delete set (the items an undo step took away); Yjs exports no name for the type. */
type DeleteSet = Parameters<typeof Y.isDeleted>[0]

const recordedKey = (id: RowId, inc: Incarnation): string => `${id}\u0000${String(inc)}`

/** Reads row lives and cells as they were before a transaction. */
function readerBefore(maps: TableMaps, shapes: RowShapes, transaction: Y.Transaction) {
  const stateOf = (id: RowId): { state: RowState; value: unknown } | undefined => {
    const value = valueBefore(transaction, maps.rows, id)
    const state = rowStateOf(maps, shapes, id, value, false)
    return state === undefined ? undefined : { state, value }
  }
  const overrideBefore = (state: RowState, columnId: ColumnId): { value: unknown } | undefined => {
    if (state.shape === undefined) {
      const stored = valueBefore(transaction, maps.cells, cellKey(state.id, columnId))
      return overrideFor(stored, state.inc as number)
    }
    const value = valueBefore(transaction, maps.overrides, overrideKeyOf(state, columnId))
    return isPlain(value) ? { value } : undefined
  }
  return {
    stateOf,
    position(state: RowState): Position {
      const moved = overrideBefore(state, positionColumn)?.value
      return typeof moved === 'string' ? moved : state.position
    },
    cell(state: RowState, value: unknown, column: Column): CellValue {
      const cell = overrideBefore(state, column.id) ?? insertedCell(maps, state, value, column.id)
      return readCell(column.type, cell === undefined ? column.default : cell.value)
    },
  }
}

/** An override value readers use: a plain value (a Yjs type is ignored, S19). */
const isPlain = (value: unknown): boolean =>
  value !== undefined && !(value instanceof Y.AbstractType)

/**
 * Adds to `step` what `transaction` (a local step, or an undo or redo) took away: every row
 * life it deleted, with all cells and the position as read before it, and each cell (or
 * position) it wrote in a life that was live before and after, with its value before. What
 * `step` holds already is kept: merged transactions (captureTimeoutMs) record the step's start.
 */
export function recordStep(
  maps: TableMaps,
  columns: readonly Column[],
  transaction: Y.Transaction,
  step: RecordedStep,
): void {
  const shapes = createRowShapes(maps)
  // Shapes are written once, but the undo of the insert that registered one deletes it.
  const shapesBefore = createRowShapes(maps, (key) => valueBefore(transaction, maps.shapes, key))
  const before = readerBefore(maps, shapesBefore, transaction)
  const entry = (state: RowState): RecordedRow => {
    const key = recordedKey(state.id, state.inc)
    let row = step.get(key)
    if (row === undefined) {
      row = {
        id: state.id,
        inc: state.inc,
        isDeleted: false,
        position: undefined,
        cells: undefined,
        deleted: undefined,
      }
      step.set(key, row)
    }
    return row
  }
  const liveNow = (id: RowId): RowState | undefined =>
    rowStateOf(maps, shapes, id, maps.rows.get(id), false)
  // A life ends only by deleting its row value: a transaction that deleted nothing ended none
  // (a bulk insert's 100,000 row keys are not looked at).
  if (transaction.deleteSet.clients.size > 0) {
    const ids = columns.map((column) => column.id)
    for (const key of changedKeys(transaction, maps.rows)) {
      const was = before.stateOf(key as RowId)
      if (was === undefined || liveNow(was.state.id)?.inc === was.state.inc) continue
      const row = entry(was.state)
      row.isDeleted = true
      row.position ??= before.position(was.state)
      row.deleted ??= {
        ids,
        values: columns.map((column) => before.cell(was.state, was.value, column)),
      }
    }
  }
  const written = (
    id: RowId | undefined,
    inc: Incarnation,
    columnOf: (state: RowState) => ColumnId | undefined,
  ) => {
    const was = id === undefined ? undefined : before.stateOf(id)
    // Lives that were not live before (dead, or inserted by this step) or ended in it (the
    // deletion above recorded them) are not the step's cell edits.
    if (was === undefined || was.state.inc !== inc || liveNow(was.state.id)?.inc !== inc) return
    const columnId = columnOf(was.state)
    const row = entry(was.state)
    if (columnId === positionColumn) row.position ??= before.position(was.state)
    else if (columnId !== undefined && row.cells?.has(columnId) !== true) {
      const column = columns.find((candidate) => candidate.id === columnId)
      if (column !== undefined)
        (row.cells ??= new Map()).set(columnId, before.cell(was.state, was.value, column))
    }
  }
  for (const key of changedKeys(transaction, maps.overrides)) {
    const target = parseOverrideKey(key)
    if (target === undefined) continue
    written(rowIdOfIncarnation(maps, target.incarnation), target.incarnation, (state) => {
      if ('columnId' in target) return target.columnId
      return target.slot === 0 ? positionColumn : state.shape?.ids[target.slot - 1]
    })
  }
  for (const key of changedKeys(transaction, maps.cells)) {
    const [id, columnId] = splitCellKey(key)
    const inc = before.stateOf(id)?.state.inc
    if (typeof inc === 'number') written(id, inc, () => columnId)
  }
}

/**
 * Writes back, in the running `transaction` (the undo or redo of the step), what `step`
 * recorded and the table no longer reads, as overrides of the recorded lives (S276):
 * - a row life the step deleted and this transaction brought back reads every recorded cell
 *   and its position as recorded, whatever else holds them now (edits that lost to the delete,
 *   S3, stay lost);
 * - a cell the step wrote, in a life live throughout, gets its recorded value back only when no
 *   override holds it (it reads its row's first value or the column default): an override there
 *   is what the undo restored or a later edit by someone else, which stays.
 * A life that is not live now (deleted, or replaced by another) is left alone. Returns the
 * lives this transaction brought back, with their states (S277 watches them).
 */
export function writeBack(
  maps: TableMaps,
  columns: readonly Column[],
  step: RecordedStep,
  transaction: Y.Transaction,
  taken: DeleteSet,
): { row: RecordedRow; state: RowState }[] {
  const shapes = createRowShapes(maps)
  const byId = new Map(columns.map((column) => [column.id, column]))
  const restored: { row: RecordedRow; state: RowState }[] = []
  for (const row of step.values()) {
    const value = maps.rows.get(row.id)
    const state = rowStateOf(maps, shapes, row.id, value, true)
    if (state === undefined || state.inc !== row.inc) continue
    const item = newestItem(maps.rows, row.id)
    const isRestored = item !== undefined && isCreatedIn(transaction, item)
    // A deleted life that something else brought back is theirs as it is.
    if (row.isDeleted && !isRestored) continue
    if (row.isDeleted) restored.push({ row, state })
    writeRecorded(maps, state, value, {
      position: row.position,
      cells: recordedCells(row),
      byId,
      // A restored life gets all it had; a live one only cells no override holds.
      isFree: (columnId) => row.isDeleted || overrideOf(maps, state, columnId) === undefined,
      isLost: (item) => item.deleted && item.redone === null && Y.isDeleted(taken, item.id),
    })
  }
  return restored
}

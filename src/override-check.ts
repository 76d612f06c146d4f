// The server's check of what an update changed in cell and position overrides (docs/semantics.md
// S85, S30, S31): an override counts only while it is of its row's current life, so each touched
// key is judged by whether the cell (or position) that readers see changed. Every data format:
// `cells` ([incarnation, value] under rowId\0columnId) and `overrides` (values keyed by life,
// formats 2 and 3 alike).
import * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import { isFormatOneRow, parseCellKey, parseOverrideKey, positionColumn } from './layout.js'
import { isPosition } from './row-order.js'
import { cellViolation, type ColumnTypes } from './row-check.js'
import type { CheckContext } from './check-types.js'
import { fitsType, readCell } from './schema.js'
import { packedShapeOf, rowIdOfIncarnation, storedIncOf } from './stored-row.js'
import { changedKeys, isSameValue, valueBefore } from './transaction-diff.js'

type Verdict = 'keep' | 'delete' | 'restore'

/** How one touched key is read: the cell it names, and its values in the row's current life. */
interface KeyReading {
  readonly map: Y.Map<unknown>
  readonly key: string
  readonly cell: [RowId, ColumnId] | undefined
  /** The cell value `value` holds when it is an override of the row's current life. */
  live(value: unknown): { value: unknown } | undefined
  /** Whether `value` is an override at all (of any life). */
  isOverride(value: unknown): boolean
  /** The stored form of a corrected cell value. */
  store(value: unknown): unknown
}

/** Records a change readers see in a row that existed before the update (S86). */
function recordChange(context: CheckContext, rowId: RowId, columnId: ColumnId): void {
  const { result } = context
  if (columnId === positionColumn) {
    if (!result.moved.includes(rowId)) result.moved.push(rowId)
    return
  }
  const columns = result.updated.get(rowId) ?? new Set<ColumnId>()
  result.updated.set(rowId, columns.add(columnId))
}

/** S30, S31: whether a live override's value fits its column; corrects a value of the wrong type. */
function checkValue(
  context: CheckContext,
  reading: KeyReading,
  [rowId, columnId]: [RowId, ColumnId],
  value: unknown,
  types: ColumnTypes,
): boolean {
  if (columnId === positionColumn) {
    if (isPosition(value)) return true
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      rowId,
      message: `row ${rowId}: position ${JSON.stringify(value) ?? 'undefined'} is not a fractional index; the move was dropped`,
    })
    return false
  }
  const type = types.get(columnId)
  if (type !== undefined && type !== 'removed' && fitsType(type, value)) return true
  context.result.violations.push(cellViolation(rowId, columnId, type, value))
  if (type === undefined || type === 'removed') return false
  reading.map.set(reading.key, reading.store(readCell(type, value)))
  return true
}

/** What to do with one touched override key whose value changed. */
function judge(
  context: CheckContext,
  reading: KeyReading,
  live: { before: boolean; after: boolean; mayWrite: boolean },
  types: ColumnTypes,
): Verdict {
  const after: unknown = reading.map.get(reading.key)
  if (live.after && reading.cell !== undefined) {
    if (!live.mayWrite) return 'restore'
    const { value } = reading.live(after)!
    return checkValue(context, reading, reading.cell, value, types) ? 'keep' : 'delete'
  }
  // S85: an edit of a row's other life (deleted or replaced first) is dropped silently.
  if (after !== undefined && !reading.isOverride(after)) {
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      message: `cell ${JSON.stringify(reading.key)}: not an override of a cell; it was removed`,
    })
  }
  return live.before && !live.mayWrite ? 'restore' : 'delete'
}

/** A format 1 key: `rowId\0columnId` holding `[incarnation, value]`. */
function formatOneReading(context: CheckContext, key: string): KeyReading {
  const { maps } = context
  const cell = parseCellKey(key)
  const stored: unknown = cell === undefined ? undefined : maps.rows.get(cell[0])
  const incarnation = isFormatOneRow(stored) ? stored.i : undefined
  const isOverride = (value: unknown): value is [number, unknown] =>
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'number'
  return {
    map: maps.cells,
    key,
    cell,
    live: (value) =>
      isOverride(value) && value[0] === incarnation ? { value: value[1] } : undefined,
    isOverride,
    store: (value) => [incarnation, value],
  }
}

/** A format 2 or 3 key: a slot (or column) and a life, holding the value itself. */
function packedReading(context: CheckContext, key: string): KeyReading {
  const { maps, shapes } = context
  const target = parseOverrideKey(key)
  const rowId = target === undefined ? undefined : rowIdOfIncarnation(maps, target.incarnation)
  const stored: unknown = rowId === undefined ? undefined : maps.rows.get(rowId)
  // S290: a format 3 row's overrides are keyed as format 2's (packedShapeOf reads both).
  const shape = packedShapeOf(stored, shapes)
  const inc = shape === undefined ? undefined : storedIncOf(stored)
  let columnId: ColumnId | undefined
  if (target !== undefined && shape !== undefined && inc === target.incarnation) {
    if ('columnId' in target) columnId = target.columnId
    else columnId = target.slot === 0 ? positionColumn : shape.ids[target.slot - 1]
  }
  const isOverride = (value: unknown): boolean =>
    value !== undefined && !(value instanceof Y.AbstractType)
  return {
    map: maps.overrides,
    key,
    cell: columnId === undefined ? undefined : [rowId!, columnId],
    live: (value) => (columnId !== undefined && isOverride(value) ? { value } : undefined),
    isOverride,
    store: (value) => value,
  }
}

/** S85: judges one touched key of either format. */
function checkKey(
  context: CheckContext,
  reading: KeyReading,
  types: ColumnTypes,
  inserted: ReadonlySet<RowId>,
): void {
  const { transaction, permissions, result } = context
  const { map, key, cell } = reading
  const before: unknown = valueBefore(transaction, map, key)
  if (isSameValue(before, map.get(key))) return
  const mayWrite = cell !== undefined && (inserted.has(cell[0]) || permissions.canUpdateRows)
  const seenBefore = reading.live(before)
  const live = {
    before: seenBefore !== undefined,
    after: reading.live(map.get(key)) !== undefined,
    mayWrite,
  }
  const verdict = judge(context, reading, live, types)
  if (verdict === 'restore') {
    if (before === undefined) map.delete(key)
    else map.set(key, before)
    result.violations.push({
      code: 'FORBIDDEN',
      ...(cell === undefined ? {} : { rowId: cell[0] }),
      message: `row ${cell?.[0] ?? key}: changing a cell or a position needs the update permission; the edit was undone`,
    })
    return
  }
  if (verdict === 'delete' && map.get(key) !== undefined) map.delete(key)
  const seenAfter = verdict === 'keep' ? reading.live(map.get(key))?.value : undefined
  if (cell !== undefined && !inserted.has(cell[0]) && !isSameValue(seenBefore?.value, seenAfter)) {
    recordChange(context, ...cell)
  }
}

/**
 * S85: judges every override key the transaction touched, after the rows were judged. A write
 * or deletion that changes what readers see needs the update permission (or is part of an
 * insert made by the same update); a written override that is not of its row's current life,
 * or is not an override at all, counts as deleting the key.
 */
export function checkOverrides(
  context: CheckContext,
  types: ColumnTypes,
  inserted: ReadonlySet<RowId>,
): void {
  const { maps, transaction } = context
  for (const key of changedKeys(transaction, maps.cells))
    checkKey(context, formatOneReading(context, key), types, inserted)
  for (const key of changedKeys(transaction, maps.overrides))
    checkKey(context, packedReading(context, key), types, inserted)
}

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

/**
 * How one touched key is read: the cell it names, and its values in the row's current life.
 * One object per key, its methods shared (no closure per key: the server judges every edit).
 */
interface KeyReading {
  readonly map: Y.Map<unknown>
  readonly key: string
  readonly cell: [RowId, ColumnId] | undefined
  /** Whether `value` is an override of the row's current life. */
  isLive(value: unknown): boolean
  /** The cell value a live override `value` holds (see isLive). */
  cellOf(value: unknown): unknown
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

/**
 * What to do with one touched override key whose value changed to `after`: `isLive` says whether
 * it was an override of the row's current life before the update and is one after it.
 */
function judge(
  context: CheckContext,
  reading: KeyReading,
  after: unknown,
  isLive: { before: boolean; after: boolean },
  mayWrite: boolean,
  types: ColumnTypes,
): Verdict {
  if (isLive.after && reading.cell !== undefined) {
    if (!mayWrite) return 'restore'
    const value = reading.cellOf(after)
    return checkValue(context, reading, reading.cell, value, types) ? 'keep' : 'delete'
  }
  // S85: an edit of a row's other life (deleted or replaced first) is dropped silently.
  if (after !== undefined && !reading.isOverride(after)) {
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      message: `cell ${JSON.stringify(reading.key)}: not an override of a cell; it was removed`,
    })
  }
  return isLive.before && !mayWrite ? 'restore' : 'delete'
}

const isFormatOneOverride = (value: unknown): value is [number, unknown] =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'number'

/** A format 1 key: `rowId\0columnId` holding `[incarnation, value]`. */
class FormatOneReading implements KeyReading {
  readonly map: Y.Map<unknown>
  readonly cell: [RowId, ColumnId] | undefined
  private readonly incarnation: number | undefined

  constructor(
    context: CheckContext,
    readonly key: string,
  ) {
    const { maps } = context
    this.map = maps.cells
    this.cell = parseCellKey(key)
    const stored: unknown = this.cell === undefined ? undefined : maps.rows.get(this.cell[0])
    this.incarnation = isFormatOneRow(stored) ? stored.i : undefined
  }

  isLive(value: unknown): boolean {
    return isFormatOneOverride(value) && value[0] === this.incarnation
  }

  cellOf(value: unknown): unknown {
    return (value as [number, unknown])[1]
  }

  isOverride(value: unknown): boolean {
    return isFormatOneOverride(value)
  }

  store(value: unknown): unknown {
    return [this.incarnation, value]
  }
}

/** A format 2 or 3 key: a slot (or column) and a life, holding the value itself. */
class PackedReading implements KeyReading {
  readonly map: Y.Map<unknown>
  readonly cell: [RowId, ColumnId] | undefined

  constructor(
    context: CheckContext,
    readonly key: string,
  ) {
    const { maps, shapes } = context
    this.map = maps.overrides
    const target = parseOverrideKey(key)
    const rowId = target === undefined ? undefined : rowIdOfIncarnation(maps, target.incarnation)
    const stored: unknown = rowId === undefined ? undefined : maps.rows.get(rowId)
    // S290: a format 3 row's overrides are keyed as format 2's (packedShapeOf reads both).
    const shape = packedShapeOf(stored, shapes)
    let columnId: ColumnId | undefined
    if (target !== undefined && shape !== undefined && storedIncOf(stored) === target.incarnation) {
      if ('columnId' in target) columnId = target.columnId
      else columnId = target.slot === 0 ? positionColumn : shape.ids[target.slot - 1]
    }
    this.cell = columnId === undefined ? undefined : [rowId!, columnId]
  }

  isLive(value: unknown): boolean {
    return this.cell !== undefined && this.isOverride(value)
  }

  cellOf(value: unknown): unknown {
    return value
  }

  isOverride(value: unknown): boolean {
    return value !== undefined && !(value instanceof Y.AbstractType)
  }

  store(value: unknown): unknown {
    return value
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
  const after: unknown = map.get(key)
  if (isSameValue(before, after)) return
  const mayWrite = cell !== undefined && (inserted.has(cell[0]) || permissions.canUpdateRows)
  const isLive = { before: reading.isLive(before), after: reading.isLive(after) }
  const verdict = judge(context, reading, after, isLive, mayWrite, types)
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
  // judge wrote the key only when it corrected a value it keeps.
  if (verdict === 'delete' && after !== undefined) map.delete(key)
  if (cell === undefined || inserted.has(cell[0])) return
  const seenBefore = isLive.before ? reading.cellOf(before) : undefined
  let seenAfter: unknown
  if (verdict === 'keep') {
    const kept: unknown = map.get(key)
    if (reading.isLive(kept)) seenAfter = reading.cellOf(kept)
  }
  if (!isSameValue(seenBefore, seenAfter)) recordChange(context, ...cell)
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
    checkKey(context, new FormatOneReading(context, key), types, inserted)
  for (const key of changedKeys(transaction, maps.overrides))
    checkKey(context, new PackedReading(context, key), types, inserted)
}

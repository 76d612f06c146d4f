// The server's check of what an update changed in cell and position overrides (docs/semantics.md
// S85, S30, S31): an override counts only while it names its row's current incarnation, so each
// touched key is judged by whether the cell (or position) that readers see changed.
import type { ColumnId, RowId } from './ids.js'
import { isStoredRow, parseCellKey, positionColumn } from './layout.js'
import { isPosition } from './row-order.js'
import { cellViolation, type ColumnTypes } from './row-check.js'
import type { CheckContext } from './check-types.js'
import { fitsType, readCell } from './schema.js'
import { changedKeys, isSameValue, valueBefore } from './transaction-diff.js'

type Verdict = 'keep' | 'delete' | 'restore'

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
  key: string,
  [rowId, columnId]: [RowId, ColumnId],
  [incarnation, value]: readonly [number, unknown],
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
  context.maps.cells.set(key, [incarnation, readCell(type, value)])
  return true
}

const isOverride = (value: unknown): value is [number, unknown] =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'number'

/** What to do with one touched override key whose value changed. */
function judge(
  context: CheckContext,
  key: string,
  cell: [RowId, ColumnId] | undefined,
  live: { before: boolean; after: boolean; mayWrite: boolean },
  types: ColumnTypes,
): Verdict {
  const after: unknown = context.maps.cells.get(key)
  if (live.after && cell !== undefined) {
    if (!live.mayWrite) return 'restore'
    return checkValue(context, key, cell, after as [number, unknown], types) ? 'keep' : 'delete'
  }
  // S85: an edit of a row's other life (deleted or replaced first) is dropped silently.
  if (after !== undefined && !isOverride(after)) {
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      message: `cell ${JSON.stringify(key)}: not an override [incarnation, value]; it was removed`,
    })
  }
  return live.before && !live.mayWrite ? 'restore' : 'delete'
}

/**
 * S85: judges every override key the transaction touched, after the rows were judged. A write
 * or deletion that changes what readers see needs the update permission (or is part of an
 * insert made by the same update); a written override that does not name its row's current
 * incarnation, or is not an override at all, counts as deleting the key.
 */
export function checkOverrides(
  context: CheckContext,
  types: ColumnTypes,
  inserted: ReadonlySet<RowId>,
): void {
  const { maps, transaction, permissions, result } = context
  for (const key of changedKeys(transaction, maps.cells)) {
    const before: unknown = valueBefore(transaction, maps.cells, key)
    if (isSameValue(before, maps.cells.get(key))) continue
    const cell = parseCellKey(key)
    const stored: unknown = cell === undefined ? undefined : maps.rows.get(cell[0])
    const incarnation = isStoredRow(stored) ? stored.i : undefined
    const isLive = (value: unknown): value is [number, unknown] =>
      isOverride(value) && value[0] === incarnation
    const mayWrite = cell !== undefined && (inserted.has(cell[0]) || permissions.canUpdateRows)
    const live = { before: isLive(before), after: isLive(maps.cells.get(key)), mayWrite }
    const verdict = judge(context, key, cell, live, types)
    if (verdict === 'restore') {
      if (before === undefined) maps.cells.delete(key)
      else maps.cells.set(key, before as [number, unknown])
      result.violations.push({
        code: 'FORBIDDEN',
        ...(cell === undefined ? {} : { rowId: cell[0] }),
        message: `row ${cell?.[0] ?? key}: changing a cell or a position needs the update permission; the edit was undone`,
      })
      continue
    }
    if (verdict === 'delete' && maps.cells.get(key) !== undefined) maps.cells.delete(key)
    const seenBefore = live.before ? (before as [number, unknown])[1] : undefined
    const seenAfter = verdict === 'keep' ? maps.cells.get(key)?.[1] : undefined
    if (cell !== undefined && !inserted.has(cell[0]) && !isSameValue(seenBefore, seenAfter)) {
      recordChange(context, ...cell)
    }
  }
}

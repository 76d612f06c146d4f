// The server's check of what an update changed in row values (docs/semantics.md S84, S30, S31): each
// touched row key is compared before and after, the difference is judged as an insert, delete,
// replace or rewrite, and what the writer may not do is put back in the same transaction.
import type { ColumnId, RowId } from './ids.js'
import { isStoredRow, splitCellKey, type StoredRow } from './layout.js'
import { isPosition } from './row-order.js'
import type { CheckContext, Violation } from './check-types.js'
import { fitsType, readCell, type ColumnType } from './schema.js'
import { changedKeys, isSameValue, valueBefore } from './transaction-diff.js'

/** Column id to its type, or 'removed' for a removed column or one of no known type. */
export type ColumnTypes = ReadonlyMap<string, ColumnType | 'removed'>

const asRow = (value: unknown): StoredRow | undefined => (isStoredRow(value) ? value : undefined)

/** S30, S31: the violation for a cell that does not fit, and what it was stored as. */
export function cellViolation(
  rowId: RowId,
  columnId: ColumnId,
  type: ColumnType | 'removed' | undefined,
  value: unknown,
): Violation {
  const message =
    type === undefined || type === 'removed'
      ? `row ${rowId}: column ${JSON.stringify(columnId)} does not exist (or was removed); the write was dropped`
      : `row ${rowId}: column ${JSON.stringify(columnId)} expects a ${type}; ${JSON.stringify(value) ?? 'undefined'} was stored as ${JSON.stringify(readCell(type, value))}`
  return { code: 'SCHEMA_VIOLATION', rowId, columnId, message }
}

/** S30, S31: a row value with its cells fitted to their columns and a valid position. */
function correctRow(
  context: CheckContext,
  id: RowId,
  row: StoredRow,
  types: ColumnTypes,
): StoredRow {
  const cells: Record<string, unknown> = {}
  let isChanged = false
  for (const [columnId, value] of Object.entries(row.c)) {
    const type = types.get(columnId)
    if (type !== undefined && type !== 'removed' && fitsType(type, value)) {
      cells[columnId] = value
      continue
    }
    isChanged = true
    if (type !== undefined && type !== 'removed') cells[columnId] = readCell(type, value)
    context.result.violations.push(cellViolation(id, columnId as ColumnId, type, value))
  }
  const position = isPosition(row.p) ? row.p : 'a0'
  if (position !== row.p) {
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      rowId: id,
      message: `row ${id}: position ${JSON.stringify(row.p)} is not a fractional index; it was stored as "a0"`,
    })
  }
  if (!isChanged && position === row.p) return row
  const corrected = { i: row.i, p: position, c: cells }
  context.maps.rows.set(id, corrected)
  return corrected
}

const forbidden = (rowId: RowId, message: string): Violation => ({
  code: 'FORBIDDEN',
  rowId,
  message: `row ${rowId}: ${message}`,
})

/** Puts a row back as it was, with the overrides of its incarnation that the update changed. */
function restoreRow(context: CheckContext, id: RowId, before: unknown, cellKeys: string[]): void {
  const { maps, transaction } = context
  if (before === undefined) maps.rows.delete(id)
  else maps.rows.set(id, before as StoredRow)
  const row = asRow(before)
  if (row === undefined) return
  for (const key of cellKeys) {
    const previous = valueBefore(transaction, maps.cells, key)
    if (!Array.isArray(previous) || previous.length !== 2 || previous[0] !== row.i) continue
    if (!isSameValue(previous, maps.cells.get(key)))
      maps.cells.set(key, previous as [number, unknown])
  }
}

/** The columns whose cell, and whether the position, differ between two values of one row. */
function rewriteOf(
  before: StoredRow,
  after: StoredRow,
): { columns: Set<ColumnId>; isMoved: boolean } {
  const columns = new Set<ColumnId>()
  for (const key of new Set([...Object.keys(before.c), ...Object.keys(after.c)])) {
    if (!isSameValue(before.c[key], after.c[key])) columns.add(key as ColumnId)
  }
  return { columns, isMoved: before.p !== after.p }
}

/** S84: judges one row key whose value changed; returns true when it is an accepted insert. */
function judgeRow(
  context: CheckContext,
  id: RowId,
  [before, after]: [unknown, unknown],
  types: ColumnTypes,
  cellKeys: string[],
): boolean {
  const { maps, permissions, result } = context
  const beforeRow = asRow(before)
  const afterRow = asRow(after)
  if (after !== undefined && afterRow === undefined) {
    // S31: a value that is not a row counts as deleting the key.
    maps.rows.delete(id)
    result.violations.push({
      code: 'SCHEMA_VIOLATION',
      rowId: id,
      message: `row ${id}: not a row value; it was removed`,
    })
  }
  if (beforeRow === undefined && afterRow === undefined) return false
  const refuse = (message: string): false => {
    restoreRow(context, id, before, cellKeys)
    result.violations.push(forbidden(id, message))
    return false
  }
  if (beforeRow !== undefined && afterRow?.i === beforeRow.i) {
    if (!permissions.canUpdateRows)
      return refuse('rewriting a row needs the update permission; it was restored')
    const { columns, isMoved } = rewriteOf(beforeRow, correctRow(context, id, afterRow, types))
    if (columns.size > 0) result.updated.set(id, columns)
    if (isMoved) result.moved.push(id)
    return false
  }
  if (beforeRow !== undefined && !permissions.canDeleteRows)
    return refuse('deleting rows needs the delete permission; it was restored')
  if (beforeRow !== undefined) result.deleted.push(id)
  if (afterRow === undefined) return false
  if (!permissions.canInsertRows) {
    // With the delete right, the old row stays deleted: only the new one is refused.
    maps.rows.delete(id)
    result.violations.push(
      forbidden(id, 'inserting rows needs the insert permission; it was removed'),
    )
    return false
  }
  correctRow(context, id, afterRow, types)
  result.inserted.push(id)
  return true
}

/**
 * S84: judges every row key the transaction touched. Returns the rows inserted by it (their
 * overrides are part of the insert).
 */
export function checkRows(context: CheckContext, types: ColumnTypes): Set<RowId> {
  const { maps, transaction } = context
  const cellKeysOf = new Map<string, string[]>()
  for (const key of changedKeys(transaction, maps.cells)) {
    const [rowId] = splitCellKey(key)
    const keys = cellKeysOf.get(rowId)
    if (keys === undefined) cellKeysOf.set(rowId, [key])
    else keys.push(key)
  }
  const inserted = new Set<RowId>()
  for (const key of changedKeys(transaction, maps.rows)) {
    const id = key as RowId
    const before: unknown = valueBefore(transaction, maps.rows, id)
    const after: unknown = maps.rows.get(id)
    if (isSameValue(before, after)) continue
    if (judgeRow(context, id, [before, after], types, cellKeysOf.get(id) ?? [])) inserted.add(id)
  }
  return inserted
}

// The server's check of what an update changed in row values (docs/semantics.md S84, S30, S31): each
// touched row key is compared before and after, the difference is judged as an insert, delete,
// replace or rewrite, and what the writer may not do is put back in the same transaction.
import type * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import { parseOverrideKey, splitCellKey } from './layout.js'
import { isPosition } from './row-order.js'
import type { CheckContext, Violation } from './check-types.js'
import { fitsType, readCell, type ColumnType } from './schema.js'
import { decodeRow, encodeRow, rowIdOfIncarnation, type DecodedRow } from './stored-row.js'
import { changedKeys, isSameValue, valueBefore } from './transaction-diff.js'
import { dropUnfitValues, valuesFault } from './values-check.js'

/** Column id to its type, or 'removed' for a removed column or one of no known type. */
export type ColumnTypes = ReadonlyMap<string, ColumnType | 'removed'>

const asRow = (context: CheckContext, id: RowId, value: unknown): DecodedRow | undefined =>
  decodeRow(context.maps, context.shapes, id, value)

/**
 * S30, S31: the violation for a cell that does not fit, and what it was stored as; S288 with
 * `isDropped`: a first value that was deleted from `v` (the cell reads its default).
 */
export function cellViolation(
  rowId: RowId,
  columnId: ColumnId,
  type: ColumnType | 'removed' | undefined,
  value: unknown,
  isDropped = false,
): Violation {
  const stored = JSON.stringify(value) ?? 'undefined'
  const message =
    type === undefined || type === 'removed'
      ? `row ${rowId}: column ${JSON.stringify(columnId)} does not exist (or was removed); the ${isDropped ? 'value' : 'write'} was dropped`
      : isDropped
        ? `row ${rowId}: column ${JSON.stringify(columnId)} expects a ${type}; ${stored} was dropped (the cell reads its default)`
        : `row ${rowId}: column ${JSON.stringify(columnId)} expects a ${type}; ${stored} was stored as ${JSON.stringify(readCell(type, value))}`
  return { code: 'SCHEMA_VIOLATION', rowId, columnId, message }
}

/**
 * S30, S31: a row value with its cells fitted to their columns and a valid position. S288: a
 * format 3 row's first values are checked when its life begins (`isNewLife`), and one that does
 * not fit is deleted from `v`; they never change in its life.
 */
function correctRow(
  context: CheckContext,
  id: RowId,
  row: DecodedRow,
  types: ColumnTypes,
  isNewLife: boolean,
): DecodedRow {
  const cells = new Map<ColumnId, unknown>()
  let isChanged = false
  if (row.values !== undefined && isNewLife) {
    for (const [columnId, value] of dropUnfitValues(context, row.values, row.cells, types))
      context.result.violations.push(cellViolation(id, columnId, types.get(columnId), value, true))
  }
  for (const [columnId, value] of row.values === undefined ? row.cells : []) {
    const type = types.get(columnId)
    if (type !== undefined && type !== 'removed' && fitsType(type, value)) {
      cells.set(columnId, value)
      continue
    }
    isChanged = true
    if (type !== undefined && type !== 'removed') cells.set(columnId, readCell(type, value))
    context.result.violations.push(cellViolation(id, columnId, type, value))
  }
  const position = isPosition(row.position) ? row.position : 'a0'
  if (position !== row.position) {
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      rowId: id,
      message: `row ${id}: position ${JSON.stringify(row.position)} is not a fractional index; it was stored as "a0"`,
    })
  }
  if (!isChanged && position === row.position) return row
  // Rewritten in its own life: the row's overrides still apply.
  context.maps.rows.set(id, encodeRow(row, cells, position))
  return { ...row, position, cells }
}

/** An override key the transaction touched (a format 2 key with the life it names). */
interface OverrideKeyOf {
  readonly map: Y.Map<unknown>
  readonly key: string
  readonly inc: string | undefined
}

const forbidden = (rowId: RowId, message: string): Violation => ({
  code: 'FORBIDDEN',
  rowId,
  message: `row ${rowId}: ${message}`,
})

/** Puts a row back as it was, with the overrides of its life that the update changed. */
function restoreRow(
  context: CheckContext,
  id: RowId,
  before: unknown,
  overrideKeys: readonly OverrideKeyOf[],
): void {
  const { maps, transaction } = context
  if (before === undefined) maps.rows.delete(id)
  else maps.rows.set(id, before)
  const row = asRow(context, id, before)
  if (row === undefined) return
  for (const { map, key, inc } of overrideKeys) {
    const previous = valueBefore(transaction, map, key)
    const isOfLife =
      map === maps.overrides
        ? inc === row.inc && previous !== undefined
        : Array.isArray(previous) && previous.length === 2 && previous[0] === row.inc
    if (isOfLife && !isSameValue(previous, map.get(key))) map.set(key, previous)
  }
}

/** The columns whose cell, and whether the position, differ between two values of one row. */
function rewriteOf(
  before: DecodedRow,
  after: DecodedRow,
): { columns: Set<ColumnId>; isMoved: boolean } {
  const columns = new Set<ColumnId>()
  for (const key of new Set([...before.cells.keys(), ...after.cells.keys()])) {
    if (!isSameValue(before.cells.get(key), after.cells.get(key))) columns.add(key)
  }
  return { columns, isMoved: before.position !== after.position }
}

/** S84: judges one row key whose value changed; returns true when it is an accepted insert. */
function judgeRow(
  context: CheckContext,
  id: RowId,
  [before, after]: [unknown, unknown],
  types: ColumnTypes,
  overrideKeys: readonly OverrideKeyOf[],
): boolean {
  const { maps, permissions, result } = context
  const beforeRow = asRow(context, id, before)
  let afterRow = asRow(context, id, after)
  // S286: a format 3 row naming values that are not its own is not a row.
  const fault =
    afterRow?.values === undefined
      ? undefined
      : valuesFault(context, id, beforeRow, afterRow.values)
  if (fault !== undefined) afterRow = undefined
  if (after !== undefined && afterRow === undefined) {
    // S31: a value that is not a row counts as deleting the key.
    maps.rows.delete(id)
    result.violations.push({
      code: 'SCHEMA_VIOLATION',
      rowId: id,
      message: `row ${id}: ${fault ?? 'not a row value'}; it was removed`,
    })
  }
  if (beforeRow === undefined && afterRow === undefined) return false
  const refuse = (message: string): false => {
    restoreRow(context, id, before, overrideKeys)
    result.violations.push(forbidden(id, message))
    return false
  }
  if (beforeRow !== undefined && afterRow?.inc === beforeRow.inc) {
    if (!permissions.canUpdateRows)
      return refuse('rewriting a row needs the update permission; it was restored')
    const { columns, isMoved } = rewriteOf(
      beforeRow,
      correctRow(context, id, afterRow, types, false),
    )
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
  correctRow(context, id, afterRow, types, true)
  result.inserted.push(id)
  return true
}

const noRows: ReadonlySet<RowId> = new Set()

/**
 * S84: judges every row key the transaction touched. Returns the rows inserted by it (their
 * overrides are part of the insert).
 */
export function checkRows(context: CheckContext, types: ColumnTypes): ReadonlySet<RowId> {
  const { maps, transaction } = context
  const rowKeys = changedKeys(transaction, maps.rows)
  // Most updates edit cells only: their override keys need no row to be grouped under.
  if (rowKeys.length === 0) return noRows
  const keysOf = new Map<string, OverrideKeyOf[]>()
  const add = (rowId: string | undefined, key: OverrideKeyOf): void => {
    if (rowId === undefined) return
    const keys = keysOf.get(rowId)
    if (keys === undefined) keysOf.set(rowId, [key])
    else keys.push(key)
  }
  for (const key of changedKeys(transaction, maps.cells))
    add(splitCellKey(key)[0], { map: maps.cells, key, inc: undefined })
  for (const key of changedKeys(transaction, maps.overrides)) {
    const inc = parseOverrideKey(key)?.incarnation
    const rowId = inc === undefined ? undefined : rowIdOfIncarnation(maps, inc)
    add(rowId, { map: maps.overrides, key, inc })
  }
  const inserted = new Set<RowId>()
  for (const key of rowKeys) {
    const id = key as RowId
    const before: unknown = valueBefore(transaction, maps.rows, id)
    const after: unknown = maps.rows.get(id)
    if (isSameValue(before, after)) continue
    if (judgeRow(context, id, [before, after], types, keysOf.get(id) ?? [])) inserted.add(id)
  }
  return inserted
}

// Restore: one forward transaction that brings a scope of a table (all of it, some rows, one cell)
// back to a past state, read from another doc. Collaborative like any edit (docs/history.md).
import * as Y from 'yjs'
import { TesseraError } from './errors.js'
import { createIncarnation, type ColumnId, type RowId } from './ids.js'
import { positionColumn, tableMaps, type TableMaps } from './layout.js'
import { createRowShapes } from './row-shapes.js'
import { restoreMetaKey } from './row-history.js'
import {
  deleteOverride,
  deleteOverrides,
  insertedCell,
  overrideOf,
  rowStateOf,
  writeOverride,
  type RowState,
} from './stored-row.js'
import type { Table } from './table-api.js'

/** What to restore: the whole table (no field), some rows, or one cell. */
export interface RestoreScope {
  rows?: readonly string[]
  cell?: { row: string; column: string }
}

/** What a restore changed. */
export interface RestoreSummary {
  /** Rows deleted since and brought back with their ids. */
  rowsRestored: number
  /** Rows created since and removed. */
  rowsRemoved: number
  /** Rows whose cells or position were set back. */
  rowsChanged: number
  /** Columns whose fields were set back, added back or removed (whole-table scope only). */
  columnsChanged: number
}

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b)

/** A row of either data format (stored-row.ts): its state, read with its overrides. */
const storedRow = (maps: TableMaps, id: string): RowState | undefined =>
  rowStateOf(maps, createRowShapes(maps), id as RowId, maps.rows.get(id), true)

/** A cell's stored value in the row's current life: its override, its insert value, or none. */
const effective = (maps: TableMaps, state: RowState, column: ColumnId) => {
  const override = overrideOf(maps, state, column)
  // The state's position already reads the row's position override, if any.
  if (column === positionColumn) return { value: state.position, isOverride: !!override }
  if (override !== undefined) return { value: override.value, isOverride: true }
  const inserted = insertedCell(maps, state, maps.rows.get(state.id), column)
  return { value: inserted?.value, isOverride: false }
}

/** Sets one row back to its past state; returns what it did. */
function restoreRow(
  now: TableMaps,
  past: TableMaps,
  id: RowId,
  columns: readonly ColumnId[],
): 'restored' | 'removed' | 'changed' | undefined {
  const then = storedRow(past, id)
  const current = storedRow(now, id)
  if (then === undefined && current === undefined) return undefined
  if (then === undefined) {
    now.rows.delete(id)
    deleteOverrides(now, current!, columns)
    return 'removed'
  }
  if (current === undefined || current.inc !== then.inc) {
    // S6: a new life of the id with the past cells folded into its row value. It is written
    // in data format 1 (its cells named), which every reader of format 2 reads too (S127).
    const cells: Record<string, unknown> = {}
    for (const column of columns) {
      const { value } = effective(past, then, column)
      if (value !== undefined) cells[column] = value
    }
    if (current !== undefined) deleteOverrides(now, current, columns)
    now.rows.set(id, { i: createIncarnation(), p: then.position, c: cells })
    return current === undefined ? 'restored' : 'changed'
  }
  let isChanged = false
  for (const column of [positionColumn, ...columns]) {
    const was = effective(past, then, column)
    const is = effective(now, current, column)
    if (same(was.value, is.value)) continue
    isChanged = true
    // Same life, same row value: dropping the override brings back what the insert wrote, but
    // a format 3 row's first value under an override may be reclaimed: the value is written.
    const isInserted = column === positionColumn || current.first < 0 || was.value === undefined
    if (!was.isOverride && isInserted) deleteOverride(now, current, column)
    else writeOverride(now, current, column, was.value)
  }
  return isChanged ? 'changed' : undefined
}

/** Sets every column's fields back; a column added since is removed (hidden, its data kept). */
function restoreColumns(now: TableMaps, past: TableMaps): number {
  let changed = 0
  now.columns.forEach((fields, id) => {
    if (!(fields instanceof Y.Map)) return
    const then = past.columns.get(id)
    const wanted = new Map<string, unknown>(then instanceof Y.Map ? then.entries() : [])
    if (!(then instanceof Y.Map)) wanted.set('removed', true)
    let isChanged = false
    for (const key of new Set([...fields.keys(), ...wanted.keys()])) {
      const value = wanted.has(key) ? wanted.get(key) : key === 'removed' ? false : undefined
      if (value === undefined || same(fields.get(key), value)) continue
      fields.set(key, value)
      isChanged = true
    }
    if (isChanged) changed++
  })
  return changed
}

/**
 * Brings `scope` of `table` back to its state in `past` (the same table's doc at an earlier time,
 * e.g. from `loadDocAt`) with one local transaction: rows deleted since come back with their ids,
 * rows created since are removed, cells and positions are set back; with the whole-table scope
 * the columns too. Writes `meta.lastRestore = { atMs, scope }` so histories show it as a restore.
 * @throws ROW_NOT_FOUND for a cell scope whose row is missing now or then
 * @throws COLUMN_NOT_FOUND for a cell scope whose column is unknown
 */
export function restoreFrom(
  table: Table,
  past: Y.Doc,
  atMs: number,
  scope: RestoreScope = {},
): RestoreSummary {
  const now = tableMaps(table.doc)
  const then = tableMaps(past)
  const summary: RestoreSummary = {
    rowsRestored: 0,
    rowsRemoved: 0,
    rowsChanged: 0,
    columnsChanged: 0,
  }
  const count = (result: ReturnType<typeof restoreRow>): void => {
    if (result === 'restored') summary.rowsRestored++
    else if (result === 'removed') summary.rowsRemoved++
    else if (result === 'changed') summary.rowsChanged++
  }
  const allColumns = [...new Set([...now.columns.keys(), ...then.columns.keys()])] as ColumnId[]
  const cell = scope.cell === undefined ? undefined : cellScope(table, now, then, scope.cell)
  table.transact(() => {
    if (cell !== undefined) count(restoreRow(now, then, cell.row, [cell.column]))
    else if (scope.rows !== undefined)
      for (const id of new Set(scope.rows)) count(restoreRow(now, then, id as RowId, allColumns))
    else {
      summary.columnsChanged = restoreColumns(now, then)
      const ids = new Set([...now.rows.keys(), ...then.rows.keys()])
      for (const id of ids) count(restoreRow(now, then, id as RowId, allColumns))
    }
    now.meta.set(restoreMetaKey, { atMs, scope: scopeJson(scope) })
  })
  return summary
}

const scopeJson = (scope: RestoreScope): unknown =>
  scope.cell !== undefined
    ? { cell: { ...scope.cell } }
    : scope.rows !== undefined
      ? { rows: [...scope.rows] }
      : 'table'

/** The row and column id of a cell scope; both must exist now and then (it is one cell's value). */
function cellScope(
  table: Table,
  now: TableMaps,
  then: TableMaps,
  cell: { row: string; column: string },
): { row: RowId; column: ColumnId } {
  const column = table.getColumn(cell.column)
  if (column === undefined) {
    throw new TesseraError(
      'COLUMN_NOT_FOUND',
      `restore: no column named ${JSON.stringify(cell.column)}; name a column the table has now`,
    )
  }
  const past = storedRow(then, cell.row)
  const current = storedRow(now, cell.row)
  if (past === undefined || current === undefined || past.inc !== current.inc) {
    throw new TesseraError(
      'ROW_NOT_FOUND',
      `restore: row ${JSON.stringify(cell.row)} did not exist then and now as one row; restore the row instead ({ "rows": [id] })`,
    )
  }
  return { row: cell.row as RowId, column: column.id }
}

/**
 * The row rights a row or cell restore exercises: bringing a row back is an insert, removing one
 * a delete, setting cells back an update (docs/security.md). Empty for the whole-table scope.
 */
export function restoreOperations(
  table: Table,
  past: Y.Doc,
  scope: RestoreScope,
): ('insert' | 'update' | 'delete')[] {
  const then = tableMaps(past)
  const ids = scope.cell !== undefined ? [scope.cell.row] : (scope.rows ?? [])
  const needed = new Set<'insert' | 'update' | 'delete'>()
  for (const id of ids) {
    const isNow = table.hasRow(id)
    const wasThen = storedRow(then, id) !== undefined
    if (wasThen && !isNow) needed.add('insert')
    else if (isNow && !wasThen) needed.add('delete')
    else if (isNow) needed.add('update')
  }
  return [...needed]
}

// Applies an update from an untrusted writer and undoes, within the same transaction, whatever
// the schema or the writer's permissions do not allow (docs/semantics.md S30–S34). Used by the
// sync server; pure Yjs, no I/O. Reads Yjs's map internals to find the values an update replaced.
import * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import { remoteContent } from './row-state.js'
import {
  cellKey,
  isStoredRow,
  positionColumn,
  splitCellKey,
  tableMaps,
  type TableMaps,
} from './layout.js'
import type { TablePermissions } from './permissions.js'
import { isPosition } from './row-order.js'
import { columnTypes, fitsType, readCell, type ColumnType } from './schema.js'

/** Something an update tried that was undone; sent back to the writer. */
export interface Violation {
  code: 'SCHEMA_VIOLATION' | 'FORBIDDEN'
  message: string
  rowId?: RowId
  columnId?: ColumnId
}

/** What an accepted update did, for the audit log: rows inserted, updated (with columns), deleted. */
export interface AppliedUpdate {
  violations: Violation[]
  inserted: RowId[]
  updated: Map<RowId, Set<ColumnId>>
  deleted: RowId[]
  schemaChanged: boolean
  /**
   * True when the update depends on changes the document lacks: Yjs keeps it pending until they
   * arrive. A well-behaved client never sends one after the sync handshake.
   */
  isIncomplete: boolean
}

type MapItem = Y.Item & { content: { getContent(): unknown[] } }
const itemOf = (map: Y.Map<unknown>, key: string): MapItem | undefined =>
  (map as unknown as { _map: Map<string, MapItem> })._map.get(key)

/**
 * Applies `update` to `doc` and corrects its effect in the same transaction, so the update and
 * its correction reach storage and other replicas as one update. Throws what Y.applyUpdate
 * throws for a malformed update (check updates before calling).
 */
export function applyChecked(
  doc: Y.Doc,
  update: Uint8Array,
  origin: unknown,
  permissions: TablePermissions,
): AppliedUpdate {
  const maps = tableMaps(doc)
  const columnsBefore = snapshotColumns(maps)
  const result: AppliedUpdate = {
    violations: [],
    inserted: [],
    updated: new Map(),
    deleted: [],
    schemaChanged: false,
    isIncomplete: false,
  }
  doc.transact((transaction) => {
    const rowsBefore = (id: RowId) =>
      liveBefore(transaction, itemOf(maps.rows as Y.Map<unknown>, id))
    Y.applyUpdate(doc, update, origin)
    // applyUpdate marks the transaction remote; the corrections below are this replica's own
    // writes, and Yjs takes own writes in a remote transaction for a clientID clash (and picks a
    // new clientID). Keep it local, and tell the table the content came from elsewhere.
    transaction.local = true
    transaction.meta.set(remoteContent, true)
    result.isIncomplete = doc.store.pendingStructs !== null || doc.store.pendingDs !== null
    result.schemaChanged = checkSchema(
      transaction,
      maps,
      columnsBefore,
      permissions,
      result.violations,
    )
    const types = columnTypesById(maps)
    const touchedRows = new Set<RowId>()
    for (const key of changedKeys(transaction, maps.rows)) touchedRows.add(key as RowId)
    const touchedCells = [...changedKeys(transaction, maps.cells)]
    for (const key of touchedCells) touchedRows.add(splitCellKey(key)[0])
    for (const id of touchedRows) {
      const before = rowsBefore(id)
      const now: unknown = maps.rows.get(id)
      const beforeRow = isStoredRow(before) ? before : undefined
      const nowRow = isStoredRow(now) ? now : undefined
      if (now !== undefined && nowRow === undefined) {
        maps.rows.delete(id)
        result.violations.push({
          code: 'SCHEMA_VIOLATION',
          rowId: id,
          message: `row ${id}: not a row value; it was removed`,
        })
      }
      if (beforeRow?.i !== nowRow?.i) {
        if (beforeRow !== undefined && !permissions.canDeleteRows) {
          maps.rows.set(id, beforeRow)
          restoreCells(transaction, maps, id, types)
          result.violations.push({
            code: 'FORBIDDEN',
            rowId: id,
            message: `row ${id}: deleting rows is not allowed; it was restored`,
          })
          continue
        }
        if (nowRow !== undefined && !permissions.canInsertRows) {
          if (beforeRow === undefined) maps.rows.delete(id)
          result.violations.push({
            code: 'FORBIDDEN',
            rowId: id,
            message: `row ${id}: inserting rows is not allowed; it was removed`,
          })
          continue
        }
        if (beforeRow !== undefined) result.deleted.push(id)
        if (nowRow !== undefined) {
          result.inserted.push(id)
          checkRowValue(maps, id, nowRow, types, result.violations)
        }
      }
    }
    for (const key of touchedCells) checkCell(transaction, maps, key, types, permissions, result)
  }, origin)
  return result
}

function checkRowValue(
  maps: TableMaps,
  id: RowId,
  row: { i: number; p: string; c: Readonly<Record<string, unknown>> },
  types: ReadonlyMap<string, ColumnType | 'removed'>,
  violations: Violation[],
): void {
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
    violations.push(cellViolation(id, columnId as ColumnId, type, value))
  }
  const position = isPosition(row.p) ? row.p : 'a0'
  if (isChanged || position !== row.p) maps.rows.set(id, { i: row.i, p: position, c: cells })
}

function checkCell(
  transaction: Y.Transaction,
  maps: TableMaps,
  key: string,
  types: ReadonlyMap<string, ColumnType | 'removed'>,
  permissions: TablePermissions,
  result: AppliedUpdate,
): void {
  const [rowId, columnId] = splitCellKey(key)
  const row: unknown = maps.rows.get(rowId)
  const item = itemOf(maps.cells as Y.Map<unknown>, key)
  if (item === undefined || !isStoredRow(row)) return
  const isNewRow = result.inserted.includes(rowId)
  if (!permissions.canUpdateRows && !isNewRow) {
    const previous = liveBefore(transaction, item)
    if (previous === undefined) maps.cells.delete(key)
    else maps.cells.set(key, previous as [number, unknown])
    result.violations.push({
      code: 'FORBIDDEN',
      rowId,
      columnId,
      message: `row ${rowId}: updating rows is not allowed; the edit was undone`,
    })
    return
  }
  const override: unknown = maps.cells.get(key)
  if (override === undefined) return
  const isWellFormed =
    Array.isArray(override) && override.length === 2 && typeof override[0] === 'number'
  const type = columnId === positionColumn ? 'position' : types.get(columnId)
  const value: unknown = isWellFormed ? (override as unknown[])[1] : undefined
  if (isWellFormed && type === 'position' && isPosition(value)) return
  if (
    isWellFormed &&
    type !== undefined &&
    type !== 'removed' &&
    type !== 'position' &&
    fitsType(type, value)
  ) {
    if (!isNewRow) addUpdated(result, rowId, columnId)
    return
  }
  if (isWellFormed && type !== undefined && type !== 'removed' && type !== 'position') {
    maps.cells.set(key, [(override as [number, unknown])[0], readCell(type, value)])
  } else maps.cells.delete(key)
  result.violations.push(
    cellViolation(rowId, columnId, type === 'position' ? undefined : type, value),
  )
}

function cellViolation(
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

function addUpdated(result: AppliedUpdate, rowId: RowId, columnId: ColumnId): void {
  let columns = result.updated.get(rowId)
  if (columns === undefined) result.updated.set(rowId, (columns = new Set()))
  columns.add(columnId)
}

/** Puts back the overrides of a row that the transaction deleted (a forbidden row delete). */
function restoreCells(
  transaction: Y.Transaction,
  maps: TableMaps,
  rowId: RowId,
  types: ReadonlyMap<string, unknown>,
): void {
  for (const columnId of [positionColumn, ...types.keys()]) {
    const key = cellKey(rowId, columnId as ColumnId)
    const previous = liveBefore(transaction, itemOf(maps.cells as Y.Map<unknown>, key))
    if (previous !== undefined && maps.cells.get(key) === undefined)
      maps.cells.set(key, previous as [number, unknown])
  }
}

/**
 * The value a map key held before the transaction: walking left from the key's newest item,
 * the first item created before the transaction, if it was not already deleted before it.
 */
function liveBefore(transaction: Y.Transaction, newest: MapItem | undefined): unknown {
  let item: Y.Item | null = newest ?? null
  while (item !== null && item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0))
    item = item.left
  if (item === null || (item.deleted && !deletedIn(transaction, item))) return undefined
  return (item as MapItem).content.getContent().at(-1)
}

function deletedIn(transaction: Y.Transaction, item: Y.Item): boolean {
  const ranges = transaction.deleteSet.clients.get(item.id.client) ?? []
  return ranges.some(
    (range) => item.id.clock >= range.clock && item.id.clock < range.clock + range.len,
  )
}

type ColumnFields = Map<string, unknown>

function snapshotColumns(maps: TableMaps): Map<string, ColumnFields> {
  const snapshot = new Map<string, ColumnFields>()
  maps.columns.forEach((fields, id) => {
    if (fields instanceof Y.Map) snapshot.set(id, new Map(fields.entries()))
  })
  return snapshot
}

/** Reverts a schema change the writer may not make; returns whether the schema changed. */
function checkSchema(
  transaction: Y.Transaction,
  maps: TableMaps,
  before: Map<string, ColumnFields>,
  permissions: TablePermissions,
  violations: Violation[],
): boolean {
  let changed = false
  for (const type of transaction.changed.keys()) {
    const parent: unknown = type._item?.parent
    if ((type as unknown) === maps.columns || parent === maps.columns) changed = true
  }
  if (!changed || permissions.canAdminister) return changed
  maps.columns.forEach((fields, id) => {
    const previous = before.get(id)
    if (!(fields instanceof Y.Map) || previous === undefined) {
      if (fields instanceof Y.Map) fields.set('removed', true)
      else maps.columns.delete(id)
      return
    }
    for (const field of new Set([...fields.keys(), ...previous.keys()])) {
      if (!previous.has(field)) fields.delete(field)
      else if (fields.get(field) !== previous.get(field)) fields.set(field, previous.get(field))
    }
  })
  violations.push({
    code: 'FORBIDDEN',
    message: 'changing the schema needs the admin permission; the change was undone',
  })
  return false
}

function columnTypesById(maps: TableMaps): Map<string, ColumnType | 'removed'> {
  const types = new Map<string, ColumnType | 'removed'>()
  maps.columns.forEach((fields, id) => {
    if (!(fields instanceof Y.Map)) return
    const type = columnTypes.find((candidate) => candidate === fields.get('type'))
    types.set(id, fields.get('removed') === true || type === undefined ? 'removed' : type)
  })
  return types
}

function changedKeys(transaction: Y.Transaction, type: object): string[] {
  for (const [changedType, keys] of transaction.changed) {
    if (changedType === type) return [...keys].filter((key): key is string => key !== null)
  }
  return []
}

// The server's check of what an update changed in a table's metadata and schema, and of content
// outside the table layout (docs/semantics.md S81–S83). Refused changes are put back in the
// same transaction. Pure Yjs; called by applyChecked.
import * as Y from 'yjs'
import { formatVersion, type TableMaps } from './layout.js'
import {
  changedKeys,
  deleteCreated,
  fieldsBefore,
  isSameValue,
  valueBefore,
} from './transaction-diff.js'
import type { CheckContext } from './check-types.js'

const isType = (value: unknown): boolean => value instanceof Y.AbstractType

/**
 * S81: without admin, only the table layout may be written: entries of the four maps, columns
 * as nested maps, and their fields, none of them holding another Yjs type.
 */
export function removeStrays(context: CheckContext): void {
  const { maps, transaction } = context
  if (context.permissions.canAdminister) return
  const leaves = new Set<unknown>([maps.meta, maps.rows, maps.cells, maps.overrides, maps.shapes])
  const removed = deleteCreated(transaction, (item) => {
    // Values in `v` are judged by what rows name them (values-array-check.ts, S287).
    if (item.parent === (context.values as unknown)) return true
    if (item.parentSub === null) return false
    const { content } = item
    const isNested = content instanceof Y.ContentType
    if (item.parent === maps.columns)
      return content instanceof Y.ContentType && content.type instanceof Y.Map
    if (leaves.has(item.parent)) return !isNested
    const holder = (item.parent as Y.AbstractType<unknown>)._item
    return holder?.parent === maps.columns && holder.parentSub !== null && !isNested
  })
  if (removed === 0) return
  context.result.violations.push({
    code: 'SCHEMA_VIOLATION',
    message: `${removed} item(s) outside the table layout (another root type, list content or a nested type) were removed; write the table through its API`,
  })
}

/** What a metadata key may become: S82. */
function isMetaChangeAllowed(
  context: CheckContext,
  key: string,
  before: unknown,
  after: unknown,
): boolean {
  const isAdmin = context.permissions.canAdminister
  // Every new copy of a table writes these two when they are missing (createTable), a client
  // of an older format its own version; the first row a writer of a newer format writes to a
  // table of an older format raises its version (S127).
  const isKnownVersion = Number.isInteger(after) && (after as number) >= 1
  if (
    before === undefined &&
    key === 'formatVersion' &&
    isKnownVersion &&
    (after as number) <= formatVersion
  )
    return true
  // A writer of any known format raises an older table's version to its own (S282): a client
  // of format 2 raises a format 1 table to 2, today's raises 1 or 2 to 3.
  const isRaised = typeof before === 'number' && isKnownVersion && (after as number) > before
  if (key === 'formatVersion' && isRaised && (after as number) <= formatVersion) return true
  if (before === undefined && key === 'name' && after === context.tableName) return true
  if (!isAdmin) return false
  if (key === 'formatVersion') return after === undefined || after === formatVersion
  if (key === 'name') return after === undefined || typeof after === 'string'
  return true
}

/** S82: metadata changes need admin (but for the fill-ins); the format version stays valid. */
export function checkMeta(context: CheckContext): void {
  const { maps, transaction, permissions } = context
  for (const key of changedKeys(transaction, maps.meta)) {
    const before = valueBefore(transaction, maps.meta, key)
    let after: unknown = maps.meta.get(key)
    if (isType(after)) {
      // S31: a nested type is not a metadata value; it counts as deleting the key.
      maps.meta.delete(key)
      after = undefined
      context.result.violations.push({
        code: 'SCHEMA_VIOLATION',
        message: `metadata "${key}": a Yjs type is not a metadata value; it was removed`,
      })
    }
    if (isSameValue(before, after)) continue
    if (isMetaChangeAllowed(context, key, before, after)) continue
    if (before === undefined) maps.meta.delete(key)
    else maps.meta.set(key, before)
    context.result.violations.push({
      code: permissions.canAdminister ? 'SCHEMA_VIOLATION' : 'FORBIDDEN',
      message: permissions.canAdminister
        ? `metadata "${key}" cannot be ${JSON.stringify(after) ?? 'deleted'}; the change was undone`
        : `changing the table's metadata ("${key}") needs the admin permission; the change was undone`,
    })
  }
}

type ColumnEntry =
  | { kind: 'absent' }
  | { kind: 'column'; map: Y.Map<unknown>; fields: Map<string, unknown> }
  | { kind: 'other'; value: unknown }

const entryOf = (value: unknown, fields: () => Map<string, unknown>): ColumnEntry =>
  value === undefined
    ? { kind: 'absent' }
    : value instanceof Y.Map
      ? { kind: 'column', map: value as Y.Map<unknown>, fields: fields() }
      : { kind: 'other', value }

function isSameEntry(a: ColumnEntry, b: ColumnEntry): boolean {
  if (a.kind === 'column' && b.kind === 'column') {
    if (a.fields.size !== b.fields.size) return false
    return [...a.fields].every(([key, value]) => isSameValue(value, b.fields.get(key)))
  }
  if (a.kind === 'other' && b.kind === 'other') return isSameValue(a.value, b.value)
  return a.kind === b.kind
}

/** The ids of the columns whose entry, or a field of it, the transaction touched. */
function changedColumns(context: CheckContext): Set<string> {
  const { maps, transaction } = context
  const ids = new Set(changedKeys(transaction, maps.columns))
  for (const type of transaction.changed.keys()) {
    const holder = type._item
    if (holder?.parent === maps.columns && holder.parentSub !== null) ids.add(holder.parentSub)
  }
  return ids
}

/** S31: a Yjs type in a column's field counts as deleting the field (an admin's too). */
function removeTypeFields(context: CheckContext, id: string, column: Y.Map<unknown>): void {
  for (const [field, value] of column.entries()) {
    if (!isType(value)) continue
    column.delete(field)
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      message: `column "${id}": field "${field}" holds a Yjs type, not a value; it was removed`,
    })
  }
}

/**
 * Writes the column entry back as it was before the transaction. A deleted column map cannot
 * come back to life in Yjs: a new one is written with its fields (a Yjs type, which cannot be
 * integrated twice, is left out).
 */
function restoreColumn(maps: TableMaps, id: string, before: ColumnEntry): void {
  if (before.kind === 'absent' || (before.kind === 'other' && isType(before.value))) {
    maps.columns.delete(id)
  } else if (before.kind === 'other') maps.columns.set(id, before.value as Y.Map<unknown>)
  else if (maps.columns.get(id) === before.map) {
    for (const key of new Set([...before.map.keys(), ...before.fields.keys()])) {
      const value = before.fields.get(key)
      if (isSameValue(before.map.get(key), value) || isType(value)) continue
      if (value === undefined) before.map.delete(key)
      else before.map.set(key, value)
    }
  } else {
    const fields = [...before.fields].filter(([, value]) => !isType(value))
    maps.columns.set(id, new Y.Map(fields))
  }
}

/**
 * S83: without admin, every difference in the schema is undone (an added column is deleted, a
 * deleted or replaced one is written again with its fields). With admin, a column entry can be
 * changed but never deleted or replaced by something that is not a column (S12: column ids are
 * never reused). Returns whether the schema changed.
 */
export function checkColumns(context: CheckContext): boolean {
  const { maps, transaction, permissions } = context
  let isChanged = false
  for (const id of changedColumns(context)) {
    const beforeValue = valueBefore(transaction, maps.columns, id)
    const before = entryOf(beforeValue, () =>
      fieldsBefore(transaction, beforeValue as Y.Map<unknown>),
    )
    const afterValue: unknown = maps.columns.get(id)
    if (afterValue instanceof Y.Map) removeTypeFields(context, id, afterValue as Y.Map<unknown>)
    const after = entryOf(afterValue, () => new Map((afterValue as Y.Map<unknown>).entries()))
    if (isSameEntry(before, after)) continue
    if (permissions.canAdminister && after.kind === 'column') {
      isChanged = true
      continue
    }
    restoreColumn(maps, id, before)
    context.result.violations.push(
      permissions.canAdminister
        ? {
            code: 'SCHEMA_VIOLATION',
            message: `column "${id}" cannot be deleted or replaced (set its "removed" field instead); it was restored`,
          }
        : {
            code: 'FORBIDDEN',
            message: `changing the schema (column "${id}") needs the admin permission; the change was undone`,
          },
    )
  }
  return isChanged
}

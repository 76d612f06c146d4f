// The server's check of what an update changed in the `shapes` map (docs/semantics.md S128): a
// shape is written once, by the client whose prefix its key has, as a list of distinct column
// ids, and never changed or deleted, since every packed row of its writer reads its cells
// through it. Pure Yjs; called by applyChecked.
import type { CheckContext } from './check-types.js'
import { clientPrefix } from './incarnation.js'
import type { TableMaps } from './layout.js'
import { parseShape } from './row-shapes.js'
import { changedKeys, isSameValue, newestItem, valueBefore } from './transaction-diff.js'

/**
 * True when shape `key` was written by the client whose prefix it has: a writer registers
 * shapes for its own rows only, so no one can take a key another writer is about to use.
 */
function isOwnKey(maps: TableMaps, key: string): boolean {
  const item = newestItem(maps.shapes, key)
  if (item === undefined) return false
  const prefix = clientPrefix(item.id.client)
  return key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length))
}

/** S128: new shapes must be shapes written by their own writer; existing ones are put back. */
export function checkShapes(context: CheckContext): void {
  const { maps, transaction, shapes } = context
  const keys = changedKeys(transaction, maps.shapes)
  for (const key of keys) {
    const before = valueBefore(transaction, maps.shapes, key)
    const after: unknown = maps.shapes.get(key)
    if (isSameValue(before, after)) continue
    if (before === undefined && parseShape(after) !== undefined && isOwnKey(maps, key)) continue
    if (before === undefined) maps.shapes.delete(key)
    else maps.shapes.set(key, before)
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      message:
        before === undefined
          ? `shape ${JSON.stringify(key)}: not a list of distinct column ids under its writer's own prefix; it was removed`
          : `shape ${JSON.stringify(key)}: a shape is never changed or deleted; it was restored`,
    })
  }
  shapes.invalidate(keys)
}

/**
 * S128: removes the shapes an update registered when its writer may not insert rows (shapes
 * are for inserting; the refused inserts were judged first, through them).
 */
export function checkShapeRights(context: CheckContext): void {
  const { maps, transaction, shapes, permissions } = context
  if (permissions.canInsertRows) return
  const keys = changedKeys(transaction, maps.shapes)
  for (const key of keys) {
    if (valueBefore(transaction, maps.shapes, key) !== undefined || !maps.shapes.has(key)) continue
    maps.shapes.delete(key)
    context.result.violations.push({
      code: 'FORBIDDEN',
      message: `shape ${JSON.stringify(key)}: registering a shape needs the insert permission; it was removed`,
    })
  }
  shapes.invalidate(keys)
}

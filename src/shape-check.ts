// The server's check of what an update changed in the `shapes` map (docs/semantics.md S128): a
// shape is written once, as a list of distinct column ids, and never changed or deleted, since
// every packed row of its writer reads its cells through it. Pure Yjs; called by applyChecked.
import type { CheckContext } from './check-types.js'
import { parseShape } from './row-shapes.js'
import { changedKeys, isSameValue, valueBefore } from './transaction-diff.js'

/** S128: new shapes must be shapes; existing ones are put back as they were. */
export function checkShapes(context: CheckContext): void {
  const { maps, transaction, shapes } = context
  const keys = changedKeys(transaction, maps.shapes)
  for (const key of keys) {
    const before = valueBefore(transaction, maps.shapes, key)
    const after: unknown = maps.shapes.get(key)
    if (isSameValue(before, after)) continue
    if (before === undefined && parseShape(after) !== undefined) continue
    if (before === undefined) maps.shapes.delete(key)
    else maps.shapes.set(key, before)
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      message:
        before === undefined
          ? `shape ${JSON.stringify(key)}: not a list of distinct column ids; it was removed`
          : `shape ${JSON.stringify(key)}: a shape is never changed or deleted; it was restored`,
    })
  }
  shapes.invalidate(keys)
}

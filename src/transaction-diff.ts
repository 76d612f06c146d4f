// What a transaction changed in a document, read from Yjs's internals: the value a map key held
// before it, the keys it touched, and the items it created. Used by the server's checks; knows
// nothing about tables beyond "a map of keys" and "an item's parent".
import * as Y from 'yjs'

type MapItem = Y.Item & { content: { getContent(): unknown[] } }

/** A Yjs map-like type (Y.Map of any value type, or a root type read as a map). */
export type SharedMap = object

const itemsOf = (map: SharedMap): Map<string, Y.Item> => (map as { _map: Map<string, Y.Item> })._map

/** The newest item of `key` in `map`, deleted or not (Yjs keeps it in `_map`). */
export function newestItem(map: SharedMap, key: string): Y.Item | undefined {
  return itemsOf(map).get(key)
}

/** True when the item was created by this transaction (its clock is past the state before it). */
export function isCreatedIn(transaction: Y.Transaction, item: Y.Item): boolean {
  return item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)
}

function isDeletedIn(transaction: Y.Transaction, item: Y.Item): boolean {
  const ranges = transaction.deleteSet.clients.get(item.id.client) ?? []
  return ranges.some(
    (range) => item.id.clock >= range.clock && item.id.clock < range.clock + range.len,
  )
}

/**
 * The value `key` of `map` held before the transaction; undefined when it had none. Walks left
 * from the key's newest item past the items this transaction created (new items never reorder
 * older ones, so the first older item is the one that was newest), and reads it unless it was
 * deleted before the transaction. Content of items deleted by this transaction is still there:
 * Yjs garbage-collects it when the transaction ends.
 */
export function valueBefore(transaction: Y.Transaction, map: SharedMap, key: string): unknown {
  let item: Y.Item | null = newestItem(map, key) ?? null
  while (item !== null && isCreatedIn(transaction, item)) item = item.left
  if (item === null || (item.deleted && !isDeletedIn(transaction, item))) return undefined
  return (item as MapItem).content.getContent().at(-1)
}

/** The fields a nested map held before the transaction (it may have been deleted by it). */
export function fieldsBefore(transaction: Y.Transaction, map: SharedMap): Map<string, unknown> {
  const fields = new Map<string, unknown>()
  for (const key of itemsOf(map).keys()) {
    const value = valueBefore(transaction, map, key)
    if (value !== undefined) fields.set(key, value)
  }
  return fields
}

/** The keys of `type` that the transaction touched (written, deleted, or written and undone). */
export function changedKeys(transaction: Y.Transaction, type: SharedMap): string[] {
  const keys = transaction.changed.get(type as Parameters<typeof transaction.changed.get>[0])
  return keys === undefined ? [] : [...keys].filter((key): key is string => key !== null)
}

/**
 * Deletes every live item the transaction created for which `isAllowed` is false; returns how
 * many. Deleting an item deletes what it holds, so a nested type goes with its content.
 */
export function deleteCreated(
  transaction: Y.Transaction,
  isAllowed: (item: Y.Item) => boolean,
): number {
  const { store } = transaction.doc
  let count = 0
  for (const [client, structs] of store.clients) {
    const before = transaction.beforeState.get(client) ?? 0
    if (Y.getState(store, client) <= before) continue
    for (let index = Y.findIndexSS(structs, before); index < structs.length; index++) {
      const struct = structs[index]
      if (!(struct instanceof Y.Item) || struct.deleted || isAllowed(struct)) continue
      struct.delete(transaction)
      count++
    }
  }
  return count
}

/** Structural equality of stored values: plain data by value, Yjs types by identity. */
export function isSameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (a instanceof Y.AbstractType || b instanceof Y.AbstractType) return false
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return (
      a instanceof Uint8Array &&
      b instanceof Uint8Array &&
      a.length === b.length &&
      a.every((byte, index) => byte === b[index])
    )
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const aKeys = Object.keys(a)
  const bKeys = Object.keys(b)
  if (aKeys.length !== bKeys.length) return false
  return aKeys.every(
    (key) =>
      Object.hasOwn(b, key) &&
      isSameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  )
}

// The server's check of what an update did to data format 3's values array (docs/semantics.md
// S287, S289), after its rows and overrides were judged: values that no accepted row of the
// update names are removed, and a deleted first value that a live row reads is kept as that
// cell's override. Pure Yjs; called by applyChecked.
import * as Y from 'yjs'
import type { CheckContext } from './check-types.js'
import type { RowId } from './ids.js'
import { looseKey, maxPackedSlot, packedKey } from './layout.js'
import type { ColumnTypes } from './row-check.js'
import { valueBefore } from './transaction-diff.js'
import { deleteValues } from './values-array.js'
import { chunkAt, claimedRanges, rangesOf, type Chunk } from './values-check.js'
import { valuesPlaceOf } from './values-row.js'

/** The clocks of `from` to `to - 1` that none of `ranges` (sorted, apart) covers, added to `clocks`. */
function addUnnamed(
  ranges: readonly (readonly [number, number])[],
  [from, to]: [number, number],
  clocks: number[],
): void {
  let at = 0
  for (let clock = from; clock < to;) {
    while (at < ranges.length && ranges[at]![1] <= clock) at++
    const range = ranges[at]
    if (range !== undefined && range[0] <= clock) {
      clock = range[1]
      continue
    }
    const next = Math.min(to, range?.[0] ?? to)
    for (; clock < next; clock++) clocks.push(clock)
  }
}

/**
 * S287: removes what the update put into `v` that no row it inserted names (each accepted row
 * its own range), and anything there that is not a plain value; returns how many values.
 */
function removeUnnamed(context: CheckContext): number {
  const { transaction, values } = context
  const { store } = transaction.doc
  const claimed = claimedRanges(context)
  let removed = 0
  for (const [client, structs] of store.clients) {
    const before = transaction.beforeState.get(client) ?? 0
    if (Y.getState(store, client) <= before) continue
    const ranges = claimed.get(client) ?? []
    const clocks: number[] = []
    for (let index = Y.findIndexSS(structs, before); index < structs.length; index++) {
      const struct = structs[index]!
      if (!(struct instanceof Y.Item) || struct.parent !== (values as unknown) || struct.deleted)
        continue
      if (struct.parentSub !== null || !(struct.content instanceof Y.ContentAny)) {
        struct.delete(transaction)
        removed += struct.length
        continue
      }
      addUnnamed(ranges, [struct.id.clock, struct.id.clock + struct.length], clocks)
    }
    // Deleted in runs after the walk: each run splits the client's struct list once.
    if (clocks.length > 0) removed += deleteValues(transaction, values, client, clocks)
  }
  return removed
}

/** A first value the update deleted: the client and clock it had, and what it held. */
interface DeletedValue {
  readonly client: number
  readonly clock: number
  readonly value: unknown
}

/** The plain values of `v` that existed before the update and that it deleted. */
function deletedValues(context: CheckContext): DeletedValue[] {
  const { transaction, values } = context
  const { store } = transaction.doc
  const found: DeletedValue[] = []
  for (const [client, deletions] of transaction.deleteSet.clients) {
    const before = transaction.beforeState.get(client) ?? 0
    const structs = store.clients.get(client)
    if (structs === undefined) continue
    for (const { clock, len } of deletions) {
      const end = Math.min(clock + len, before)
      if (clock >= end) continue
      for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
        const struct = structs[index]!
        if (struct.id.clock >= end) break
        if (
          !(struct instanceof Y.Item) ||
          struct.parent !== (values as unknown) ||
          struct.parentSub !== null ||
          !(struct.content instanceof Y.ContentAny)
        )
          continue
        // Yjs drops a deleted item's content when the transaction ends: it is still here.
        const content = struct.content.getContent()
        const last = Math.min(end, struct.id.clock + struct.length)
        for (let at = Math.max(clock, struct.id.clock); at < last; at++)
          found.push({ client, clock: at, value: content[at - struct.id.clock] })
      }
    }
  }
  return found
}

/** The override key of slot `slot` (column `columnId`) of a format 3 or 2 row's life `inc`. */
const overrideKey = (inc: string, slot: number, columnId: string): string =>
  slot < maxPackedSlot ? packedKey(inc, slot + 1) : looseKey(inc, columnId as never)

/**
 * S289: writes the override of each cell whose first value the update deleted while a row's
 * life, live before the update and after its checks, reads it (no override holds the cell).
 */
function keepReadValues(context: CheckContext, types: ColumnTypes): void {
  const { transaction, maps, shapes } = context
  const kept = new Map<RowId, number>()
  let chunk: Chunk | undefined
  let ranges = new Map<string, [number, number]>()
  for (const { client, clock, value } of deletedValues(context)) {
    if (chunk?.client !== client || clock >= chunk.valuesTo || clock < chunk.from) {
      chunk = chunkAt(context, client, clock)
      if (chunk === undefined) continue
      ranges = rangesOf(context, chunk)
    }
    for (const [id, [from, to]] of ranges) {
      if (clock < from || clock >= to || value === undefined) continue
      const place = valuesPlaceOf(maps.rows.get(id), shapes)
      const before = valuesPlaceOf(valueBefore(transaction, maps.rows, id), shapes)
      if (place === undefined || before?.inc !== place.inc) continue
      const slot = clock - place.clock
      const columnId = place.shapeOf.ids[slot]!
      const type = types.get(columnId)
      if (type === undefined || type === 'removed') continue
      const key = overrideKey(place.inc, slot, columnId)
      const override: unknown = maps.overrides.get(key)
      if (override !== undefined && !(override instanceof Y.AbstractType)) continue
      maps.overrides.set(key, value)
      kept.set(id as RowId, (kept.get(id as RowId) ?? 0) + 1)
    }
  }
  for (const [rowId, count] of kept) {
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      rowId,
      message: `row ${rowId}: ${count} first value(s) it reads were deleted (only the server's compaction reclaims first values); they were kept as overrides`,
    })
  }
}

/**
 * S287, S289: judges what the update did to the values array, once its rows and overrides were
 * judged. An update that left `v` alone pays one lookup.
 */
export function checkValuesArray(context: CheckContext, types: ColumnTypes): void {
  const { transaction, values } = context
  const changed: ReadonlyMap<object, unknown> = transaction.changed
  if (!changed.has(values)) return
  const removed = removeUnnamed(context)
  if (removed > 0) {
    context.result.violations.push({
      code: 'SCHEMA_VIOLATION',
      message: `${removed} value(s) put into the values array that no row of the same update names (or that are not plain values) were removed`,
    })
  }
  keepReadValues(context, types)
}

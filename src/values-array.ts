// Data format 3's values array. Format 3 is designed and was measured once (docs/benchmarks.md,
// "Data format 3"), not on main yet: nothing on main uses this module. A row's first values
// live in one shared Y.Array, `v`, appended by the row's writer in the transaction that inserts
// the row (one Yjs item for a whole batch of rows), and the row names them by their distance in
// Yjs clocks from its own first item. A value an override replaces, or one of a dead life, is
// never read again, so compaction deletes it and Yjs drops its content (S129). Reads, locates
// and deletes values by Yjs id; knows nothing about columns, checks or tables.
import * as Y from 'yjs'
import { parseIncarnation, prefixLengthOf } from './incarnation.js'
import type { Position } from './row-order.js'

/** The name of the values array in the table's doc. */
export const valuesName = 'v'

/**
 * A row value of data format 3: `{ s: shape, i: incarnation, p: position, b: back }`. The
 * incarnation is the Yjs id (client, clock) of the item that first stored the row's life, as in
 * format 2; the row's first values are `shape.ids.length` neighbouring values of that client in
 * `v`, the first at clock `clock - b`. An object, not an array: lib0 decodes an array by pushing
 * into an empty one (17 slots for four values), an object of four keys keeps them in place
 * (docs/benchmarks.md, "Data format 3": 871 bytes of heap per row against 999–1,026). A reader of
 * format 2 wants an array and a reader of format 1 an object with `c`: neither takes it for a row.
 */
export interface ValuesRow {
  readonly s: number
  readonly i: string
  readonly p: Position
  readonly b: number
}

/** A format 3 row value, decoded (not yet checked against its shape or its values). */
export interface ValuesRowParts {
  /** The shape number (row-shapes.ts). */
  readonly shape: number
  readonly inc: string
  readonly position: Position
  /** Where its first values are: the writer's client and the clock of the first one. */
  readonly client: number
  readonly clock: number
}

/** The row value of a format 3 row (key order fixed: every row of a table shares one V8 map). */
export const valuesRow = (
  shape: number,
  inc: string,
  position: Position,
  back: number,
): ValuesRow => ({ s: shape, i: inc, p: position, b: back })

/**
 * The parts of a format 3 row value; undefined when `value` is not one (data from storage and
 * from clients is checked, S19).
 */
export function valuesRowOf(value: unknown): ValuesRowParts | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const { s: shape, i: inc, p: position, b: back } = value as Partial<Record<string, unknown>>
  if (typeof shape !== 'number' || !Number.isSafeInteger(shape) || shape < 0) return undefined
  if (typeof inc !== 'string' || typeof position !== 'string') return undefined
  if (typeof back !== 'number' || !Number.isSafeInteger(back) || back < 1) return undefined
  if (Object.keys(value).length !== 4) return undefined
  const id = prefixLengthOf(inc) === undefined ? undefined : parseIncarnation(inc)
  if (id === undefined || id.clock < back) return undefined
  return { shape, inc, position, client: id.client, clock: id.clock - back }
}

/** The values array of the table in `doc`. */
export const valuesOf = (doc: Y.Doc): Y.Array<unknown> => doc.getArray(valuesName)

/**
 * The structs of `client` in `doc` that hold clocks `clock` to `clock + count - 1`, each with
 * the first and last of those clocks it holds; undefined when the doc lacks any of them (the
 * values are still on their way).
 */
export function structsOf(
  doc: Y.Doc,
  client: number,
  clock: number,
  count: number,
): { struct: Y.Item | Y.GC; from: number; to: number }[] | undefined {
  if (count <= 0) return []
  const last = clock + count - 1
  if (Y.getState(doc.store, client) <= last) return undefined
  const structs = doc.store.clients.get(client)!
  const found: { struct: Y.Item | Y.GC; from: number; to: number }[] = []
  for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
    const struct = structs[index]!
    const from = Math.max(clock, struct.id.clock)
    if (from > last) break
    found.push({ struct, from, to: Math.min(last, struct.id.clock + struct.length - 1) })
  }
  return found
}

/** True when `struct` is a live item of the values array holding plain values. */
function isLiveValues(values: Y.Array<unknown>, struct: Y.Item | Y.GC): struct is Y.Item {
  return (
    struct instanceof Y.Item &&
    !struct.deleted &&
    struct.parent === (values as unknown) &&
    struct.content instanceof Y.ContentAny
  )
}

/**
 * The `count` values of `client` from clock `clock` in the values array, in clock order: a
 * value that is deleted, not in `v` or not a plain value reads as undefined (never written, or
 * reclaimed). Undefined as a whole when the doc lacks some of those clocks.
 */
export function readValues(
  values: Y.Array<unknown>,
  client: number,
  clock: number,
  count: number,
): unknown[] | undefined {
  const parts = structsOf(values.doc!, client, clock, count)
  if (parts === undefined) return undefined
  const read = new Array<unknown>(count)
  for (const { struct, from, to } of parts) {
    if (!isLiveValues(values, struct)) continue
    // ContentAny's content is its own array, not a copy.
    const array = struct.content.getContent()
    for (let at = from; at <= to; at++) read[at - clock] = array[at - struct.id.clock]
  }
  return read
}

/** The one value of `client` at `clock` in the values array (readValues' rules). */
export function readValue(values: Y.Array<unknown>, client: number, clock: number): unknown {
  return readValues(values, client, clock, 1)?.[0]
}

/**
 * Deletes the values of `client` at `clocks` from the values array in `transaction`, one Yjs
 * split per run of neighbouring clocks (not one per value: every split inserts into the
 * client's struct list). Clocks the doc lacks, and structs outside `v`, are left alone.
 * Returns how many values were deleted.
 */
export function deleteValues(
  transaction: Y.Transaction,
  values: Y.Array<unknown>,
  client: number,
  clocks: readonly number[],
): number {
  const sorted = [...new Set(clocks)].sort((a, b) => a - b)
  let deleted = 0
  for (let from = 0; from < sorted.length;) {
    let to = from
    while (to + 1 < sorted.length && sorted[to + 1] === sorted[to]! + 1) to++
    deleted += deleteRun(transaction, values, client, sorted[from]!, sorted[to]!)
    from = to + 1
  }
  return deleted
}

/** Deletes the live values of `client` from clock `first` to `last` (both included). */
function deleteRun(
  transaction: Y.Transaction,
  values: Y.Array<unknown>,
  client: number,
  first: number,
  last: number,
): number {
  const { store } = transaction.doc
  const end = Math.min(last, Y.getState(store, client) - 1)
  let deleted = 0
  for (let clock = first; clock <= end;) {
    const { struct } = structsOf(transaction.doc, client, clock, 1)![0]!
    const stop = Math.min(end, struct.id.clock + struct.length - 1)
    if (isLiveValues(values, struct)) {
      const item = Y.getItemCleanStart(transaction, Y.createID(client, clock))
      Y.getItemCleanEnd(transaction, store, Y.createID(client, stop))
      item.delete(transaction)
      deleted += stop - clock + 1
    }
    clock = stop + 1
  }
  return deleted
}

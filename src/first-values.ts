// How readers find a data format 3 row's first values (values-array.ts) fast: where a row value
// says they start, and a reader of `v` that remembers the last Yjs item it found, so a scan of
// rows written by one insert (whose values share items) searches the doc's structs once per
// item, not once per cell. Knows nothing about shapes, overrides or columns.
import * as Y from 'yjs'
import { clockOfIncarnation, parseIncarnation, prefixLengthOf } from './incarnation.js'
import type { ValuesRow } from './values-array.js'

/**
 * The clock of the first value of the format 3 row stored as `value` (its writer's client is
 * its incarnation's); -1 when `value` is not one (valuesRowOf's rules, S19: data from storage
 * and from clients is checked).
 */
export function firstValueOf(value: unknown): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return -1
  const { s: shape, i: inc, p: position, b: back } = value as Partial<Record<string, unknown>>
  if (typeof shape !== 'number' || typeof inc !== 'string' || typeof position !== 'string')
    return -1
  if (typeof back !== 'number' || !Number.isSafeInteger(back) || back < 1) return -1
  if (!Number.isSafeInteger(shape) || shape < 0 || Object.keys(value).length !== 4) return -1
  const clock = clockOfIncarnation(inc)
  return clock < back ? -1 : clock - back
}

/** True when `value` has a format 3 row value's form (not checked: a fast test for a run). */
export const looksLikeValuesRow = (value: unknown): value is ValuesRow =>
  typeof value === 'object' && value !== null && typeof (value as ValuesRow).b === 'number'

/**
 * Reads the first value of the row life `inc` at `clock` in `values` (the doc's `v`); undefined
 * when it is deleted, missing or not a plain value of `v` (the cell was not written, or its
 * value was reclaimed: it reads as its column default).
 */
export type FirstValueReader = (inc: string, clock: number) => unknown

/** The client of the last incarnation a reader was asked about, and that incarnation. */
interface LastFound {
  inc: string
  /** The client prefix of `inc` (incarnation.ts): it names the client. */
  prefix: string
  client: number
  structs: (Y.Item | Y.GC)[]
  index: number
  item: Y.Item | undefined
}

/**
 * A reader of first values in `values`. It keeps the last item found while the doc's struct
 * list still holds it at the same place (a split or merge moves it: then it searches again), so
 * it stays right across transactions.
 */
export function createFirstValueReader(values: Y.Array<unknown>): FirstValueReader {
  const doc = values.doc!
  const last: LastFound = {
    inc: '',
    prefix: '',
    client: -1,
    structs: [],
    index: -1,
    item: undefined,
  }
  const parent = values as unknown
  return (inc, clock) => {
    // Rows of one writer share its client's prefix: their client is read once for a run.
    const isKnown =
      last.prefix !== '' && inc.startsWith(last.prefix) && inc.length > last.prefix.length
    if (inc !== last.inc && !isKnown) {
      const id = parseIncarnation(inc)
      if (id === undefined) return undefined
      last.prefix = inc.slice(0, prefixLengthOf(inc))
      if (id.client !== last.client) {
        last.client = id.client
        last.item = undefined
      }
    }
    last.inc = inc
    let item = last.item
    if (
      item === undefined ||
      last.structs[last.index] !== item ||
      clock < item.id.clock ||
      clock >= item.id.clock + item.length
    ) {
      const { client } = last
      if (Y.getState(doc.store, client) <= clock) return undefined
      const structs = doc.store.clients.get(client)!
      const index = Y.findIndexSS(structs, clock)
      const struct = structs[index]
      if (!(struct instanceof Y.Item)) return undefined
      last.structs = structs
      last.index = index
      last.item = item = struct
    }
    if (item.deleted || item.parent !== parent || !(item.content instanceof Y.ContentAny))
      return undefined
    return (item.content as unknown as { arr: readonly unknown[] }).arr[clock - item.id.clock]
  }
}

/** One reader per values array (a table's readers share it). */
const readers = new WeakMap<Y.Array<unknown>, FirstValueReader>()

/** The shared first value reader of `values`. */
export function firstValueReaderOf(values: Y.Array<unknown>): FirstValueReader {
  let reader = readers.get(values)
  if (reader === undefined) readers.set(values, (reader = createFirstValueReader(values)))
  return reader
}

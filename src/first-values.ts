// How readers find a data format 3 row's first values (values-array.ts) fast: where a row value
// says they start, and a reader of `v` that remembers the last Yjs item it found, so a scan of
// rows written by one insert (whose values share items) searches the doc's structs once per
// item, not once per cell. Knows nothing about shapes, overrides or columns.
import * as Y from 'yjs'
import {
  clockAfterPrefix,
  clockOfIncarnation,
  parseIncarnation,
  prefixLengthOf,
} from './incarnation.js'
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

/**
 * firstValueOf for a row value whose shape number, position and client prefix (of
 * `prefixLength` characters, in its incarnation) were checked already: a scan's run of rows of
 * one writer and shape checks only what may differ from row to row.
 */
export function firstValueInRun(value: ValuesRow, prefixLength: number): number {
  const back = value.b
  if (typeof back !== 'number' || !Number.isSafeInteger(back) || back < 1) return -1
  if (Object.keys(value).length !== 4) return -1
  const clock = clockAfterPrefix(value.i, prefixLength)
  return clock < back ? -1 : clock - back
}

/** True when `value` has a format 3 row value's form (not checked: a fast test for a run). */
export const looksLikeValuesRow = (value: unknown): value is ValuesRow =>
  typeof value === 'object' && value !== null && typeof (value as ValuesRow).b === 'number'

/** Reads first values in one doc's `v`, remembering the last Yjs item it found. */
export interface FirstValueReader {
  /**
   * The first value of the row life `inc` at `clock` (of its writer's client); undefined when
   * it is deleted, missing or not a plain value of `v` (the cell was not written, or its value
   * was reclaimed: it reads as its column default).
   */
  (inc: string, clock: number): unknown
  /** The same, for a caller that knows the writer's client (a scan of one writer's rows). */
  at(client: number, clock: number): unknown
  /**
   * The content of the live item of `v` that holds all `count` values of `client` from `clock`
   * (a row's, inserted in one chunk), with the index of the first in `offset`; undefined when
   * no one live item holds them all (then read them one by one).
   */
  span(client: number, clock: number, count: number): readonly unknown[] | undefined
  /** Where `span`'s values start in the content it returned. */
  offset: number
}

/**
 * A reader of first values in `values`. It keeps the last item found while the doc's struct
 * list still holds it at the same place (a split or merge moves it: then it searches again), so
 * it stays right across transactions.
 */
export function createFirstValueReader(values: Y.Array<unknown>): FirstValueReader {
  const doc = values.doc!
  const parent = values as unknown
  // The last incarnation asked about and its client's prefix (which names the client).
  let lastInc = ''
  let prefix = ''
  let lastClient = -1
  // The last item found: its client's struct list and its index there, and whether it is an
  // item of `v` holding plain values (its parent and kind of content never change).
  let structs: (Y.Item | Y.GC)[] = []
  let index = -1
  let item: Y.Item | undefined
  let isValues = false
  // Its client and first clock (an item's id never changes; its length may, by a split).
  let itemClient = -1
  let from = 0

  const find = (client: number, clock: number): Y.Item | undefined => {
    // A scan in the rows' order moves on to the next chunk: the item right of the last one in
    // `v`, a little further in the client's struct list (after the last chunk's rows).
    const right = item?.right
    if (
      right instanceof Y.Item &&
      client === itemClient &&
      right.id.client === client &&
      clock >= right.id.clock &&
      clock < right.id.clock + right.length
    ) {
      const end = Math.min(structs.length, index + nearby)
      for (let at = index + 1; at < end; at++) {
        if (structs[at] !== right) continue
        index = at
        isValues = right.content instanceof Y.ContentAny
        from = right.id.clock
        return (item = right)
      }
    }
    if (Y.getState(doc.store, client) <= clock) return undefined
    structs = doc.store.clients.get(client)!
    index = Y.findIndexSS(structs, clock)
    const struct = structs[index]
    if (!(struct instanceof Y.Item)) return (item = undefined)
    isValues = struct.parent === parent && struct.content instanceof Y.ContentAny
    itemClient = client
    from = struct.id.clock
    return (item = struct)
  }
  /** The item holding `clock` of `client`: the last one found when it still does. */
  const itemAt = (client: number, clock: number): Y.Item | undefined => {
    const found = item
    return found !== undefined &&
      client === itemClient &&
      clock >= from &&
      clock < from + found.length &&
      structs[index] === found
      ? found
      : find(client, clock)
  }
  const at = (client: number, clock: number): unknown => {
    const found = itemAt(client, clock)
    if (found === undefined || found.deleted || !isValues) return undefined
    return (found.content as unknown as { arr: readonly unknown[] }).arr[clock - from]
  }
  const span = (client: number, clock: number, count: number): readonly unknown[] | undefined => {
    const found = itemAt(client, clock)
    if (found === undefined || found.deleted || !isValues || clock + count > from + found.length)
      return undefined
    read.offset = clock - from
    return (found.content as unknown as { arr: readonly unknown[] }).arr
  }
  const read = (inc: string, clock: number): unknown => {
    // Rows of one writer share its client's prefix: their client is read once for a run.
    if (inc !== lastInc) {
      const isKnown = prefix !== '' && inc.startsWith(prefix) && inc.length > prefix.length
      if (!isKnown) {
        const id = parseIncarnation(inc)
        if (id === undefined) return undefined
        prefix = inc.slice(0, prefixLengthOf(inc))
        lastClient = id.client
      }
      lastInc = inc
    }
    return at(lastClient, clock)
  }
  read.at = at
  read.span = span
  read.offset = 0
  return read
}

/** How far in a client's struct list the next item of `v` is looked for before a search. */
const nearby = 256

/** One reader per values array (a table's readers share it). */
const readers = new WeakMap<Y.Array<unknown>, FirstValueReader>()

/** The shared first value reader of `values`. */
export function firstValueReaderOf(values: Y.Array<unknown>): FirstValueReader {
  let reader = readers.get(values)
  if (reader === undefined) readers.set(values, (reader = createFirstValueReader(values)))
  return reader
}

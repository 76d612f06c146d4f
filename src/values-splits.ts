// Deleting many runs of format 3's first values at once (values-reclaim.ts) at the cost of a few:
// Yjs keeps each client's structs in one array, and every split of an item inserts into it, every
// merge of deleted neighbours removes from it (Array.splice, which moves all structs after it:
// 0.4–1 ms each on a 100,000-row table). Here Yjs sees, while it splits, only the few structs at
// hand, which are then garbage-collected and merged as Yjs would, and put back in one copy.
import * as Y from 'yjs'
import { deleteValues } from './values-array.js'

/** The structs of one client's list from `from` to `to` (included), and the items to cut there. */
export interface Span {
  from: number
  to: number
  readonly cuts: { readonly item: Y.Item; readonly clocks: readonly number[] }[]
}

/**
 * The spans of `structs` that hold `items`, each widened by a deleted neighbour on either side
 * (which a newly deleted run may merge with), overlapping spans joined; in list order.
 */
function spansOf(
  structs: readonly (Y.Item | Y.GC)[],
  items: readonly { item: Y.Item; clocks: readonly number[] }[],
): Span[] {
  const found = items
    .map((cut) => ({ cut, index: Y.findIndexSS(structs as (Y.Item | Y.GC)[], cut.item.id.clock) }))
    .sort((a, b) => a.index - b.index)
  const spans: Span[] = []
  for (const { cut, index } of found) {
    const from = index > 0 && structs[index - 1]!.deleted ? index - 1 : index
    const to = index + 1 < structs.length && structs[index + 1]!.deleted ? index + 1 : index
    const last = spans.at(-1)
    if (last !== undefined && from <= last.to + 1) {
      last.to = Math.max(last.to, to)
      last.cuts.push(cut)
    } else spans.push({ from, to, cuts: [cut] })
  }
  return spans
}

/** Garbage-collects and merges the structs of `own` as Yjs's cleanup would, in place. */
function tidy(doc: Y.Doc, own: (Y.Item | Y.GC)[]): void {
  for (const struct of own) {
    if (struct instanceof Y.Item && struct.deleted && !(struct.content instanceof Y.ContentDeleted))
      if (doc.gc && !struct.keep && doc.gcFilter(struct)) struct.gc(doc.store, false)
  }
  for (let index = own.length - 1; index > 0; index--) {
    const [left, right] = [own[index - 1]!, own[index]!]
    if (left.deleted && right.deleted && left.constructor === right.constructor)
      if (left.mergeWith(right as never)) own.splice(index, 1)
  }
}

/**
 * Replaces, in `structs`, each span's structs with what `owns` holds for it (a span holds every
 * struct it was given, whatever happened). In place, each struct between the spans moved once
 * (copyWithin, a memory move) when every span before a point changed the length the same way
 * (all grew, or all shrank); else in one copy.
 */
export function putBack(
  structs: (Y.Item | Y.GC)[],
  spans: readonly Span[],
  owns: readonly (Y.Item | Y.GC)[][],
): (Y.Item | Y.GC)[] {
  const count = owns.length
  const shifts: number[] = []
  let shift = 0
  for (let index = 0; index < count; index++) {
    const span = spans[index]!
    shift += owns[index]!.length - (span.to - span.from + 1)
    shifts.push(shift)
  }
  const length = structs.length
  const end = (index: number): number => (index + 1 < count ? spans[index + 1]!.from : length)
  const place = (index: number): void => {
    const at = spans[index]!.from + (index > 0 ? shifts[index - 1]! : 0)
    owns[index]!.forEach((struct, offset) => (structs[at + offset] = struct))
  }
  if (shifts.every((value) => value >= 0)) {
    // Grown: room at the end first (pushed, so the array stays packed), then right to left.
    for (let added = 0; added < shift; added++) structs.push(structs[length - 1]!)
    for (let index = count - 1; index >= 0; index--) {
      const after = spans[index]!.to + 1
      if (shifts[index] !== 0) structs.copyWithin(after + shifts[index]!, after, end(index))
      place(index)
    }
    return structs
  }
  if (shifts.every((value) => value <= 0)) {
    for (let index = 0; index < count; index++) {
      place(index)
      const after = spans[index]!.to + 1
      if (shifts[index] !== 0) structs.copyWithin(after + shifts[index]!, after, end(index))
    }
    structs.length = length + shift
    return structs
  }
  const parts: (Y.Item | Y.GC)[][] = []
  let at = 0
  owns.forEach((own, index) => {
    parts.push(structs.slice(at, spans[index]!.from), own)
    at = spans[index]!.to + 1
  })
  parts.push(structs.slice(at))
  return ([] as (Y.Item | Y.GC)[]).concat(...parts)
}

/**
 * Deletes the values `clocks` of each of `client`'s `items` of `values` (live items of `v`) in
 * `transaction`, with values-array.ts's deleteValues (one Yjs split per run). Returns how many
 * values were deleted.
 */
export function deleteInPlace(
  transaction: Y.Transaction,
  values: Y.Array<unknown>,
  client: number,
  items: readonly { item: Y.Item; clocks: readonly number[] }[],
): number {
  const { doc } = transaction
  const { clients } = doc.store
  const structs = clients.get(client)!
  const spans = spansOf(structs, items)
  const owns: (Y.Item | Y.GC)[][] = []
  let deleted = 0
  try {
    for (const span of spans) {
      const own = structs.slice(span.from, span.to + 1)
      owns.push(own)
      clients.set(client, own)
      for (const { clocks } of span.cuts)
        deleted += deleteValues(transaction, values, client, clocks)
      tidy(doc, own)
    }
  } finally {
    clients.set(client, putBack(structs, spans, owns))
  }
  return deleted
}

// Yjs updates (format v1) that set keys of root maps and delete items, written without a Y.Doc:
// what a window client sends. Byte for byte what Yjs writes for the same transaction (see
// test/core/map-update.test.ts); knows the update format, nothing about tables.
import * as encoding from 'lib0/encoding'
import type { ItemId } from '../wire/window-messages.js'

/** One `map.set(key, value)` on a root map, as a Yjs item. */
export interface MapSet {
  /** The root map's name (`doc.getMap(name)`). */
  readonly map: string
  readonly key: string
  readonly value: unknown
  /**
   * The key's last item as the writer knows it (Yjs's `origin`: the item this one replaces),
   * or null for a key with no item yet.
   */
  readonly origin: ItemId | null
}

/** A run of deleted clocks of one client. */
interface DeleteRange {
  clock: number
  length: number
}

// Item info byte: the low 5 bits are the content kind, then flags (Yjs's Item.write).
const contentAny = 8
const hasOrigin = 0x80
const hasParentSub = 0x20

/**
 * Encodes `sets` as consecutive items of `client` from `clock`, and `deletes` (items to delete),
 * as one Yjs update: what `doc.transact(() => { map.set(...)... })` sends when the doc holds the
 * origins. A set whose origin is alive must list that origin in `deletes` too, as Yjs does.
 * @example
 * const update = encodeMapUpdate(42, 0, [{ map: 'cells', key: 'r\u0000c', value: [1, 'x'], origin: null }], [])
 * Y.applyUpdate(doc, update)
 */
export function encodeMapUpdate(
  client: number,
  clock: number,
  sets: readonly MapSet[],
  deletes: readonly ItemId[],
): Uint8Array {
  const encoder = encoding.createEncoder()
  if (sets.length === 0) encoding.writeVarUint(encoder, 0)
  else {
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint(encoder, sets.length)
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, clock)
    for (const set of sets) writeItem(encoder, set)
  }
  writeDeleteSet(encoder, deletes)
  return encoding.toUint8Array(encoder)
}

function writeItem(encoder: encoding.Encoder, set: MapSet): void {
  encoding.writeUint8(encoder, contentAny | hasParentSub | (set.origin === null ? 0 : hasOrigin))
  if (set.origin !== null) {
    encoding.writeVarUint(encoder, set.origin.client)
    encoding.writeVarUint(encoder, set.origin.clock)
  } else {
    // Without an origin the item names its parent (a root type, by key) and its key.
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarString(encoder, set.map)
    encoding.writeVarString(encoder, set.key)
  }
  encoding.writeVarUint(encoder, 1)
  encoding.writeAny(encoder, set.value as never)
}

/** Yjs's delete set: clients in decreasing order, each with sorted, merged clock ranges. */
function writeDeleteSet(encoder: encoding.Encoder, deletes: readonly ItemId[]): void {
  const byClient = new Map<number, number[]>()
  for (const { client, clock } of deletes) {
    const clocks = byClient.get(client)
    if (clocks === undefined) byClient.set(client, [clock])
    else clocks.push(clock)
  }
  const clients = [...byClient.keys()].sort((a, b) => b - a)
  encoding.writeVarUint(encoder, clients.length)
  for (const client of clients) {
    const ranges = rangesOf(byClient.get(client)!)
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, ranges.length)
    for (const range of ranges) {
      encoding.writeVarUint(encoder, range.clock)
      encoding.writeVarUint(encoder, range.length)
    }
  }
}

function rangesOf(clocks: number[]): DeleteRange[] {
  const ranges: DeleteRange[] = []
  for (const clock of [...new Set(clocks)].sort((a, b) => a - b)) {
    const last = ranges.at(-1)
    if (last !== undefined && last.clock + last.length === clock) last.length++
    else ranges.push({ clock, length: 1 })
  }
  return ranges
}

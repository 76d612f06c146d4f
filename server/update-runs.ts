// One log entry from a run of one writer's updates in a group commit: when they are consecutive
// structs of one client (a replica's edits in order, the usual case), their bytes are joined as
// they are; otherwise Yjs merges them. Knows the v1 update format, not rooms or stores.
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { layoutOf, type UpdateLayout } from './update-layout.js'

/** The layouts of `updates` when their structs are one client's, each run starting where the last ended. */
function consecutive(updates: readonly Uint8Array[]): UpdateLayout[] | undefined {
  const layouts: UpdateLayout[] = []
  let last: NonNullable<UpdateLayout['structs']> | undefined
  for (const update of updates) {
    const layout = layoutOf(update)
    if (layout === undefined) return undefined
    const { structs } = layout
    if (structs !== undefined) {
      if (last !== undefined && (structs.client !== last.client || structs.from !== last.to))
        return undefined
      last = structs
    }
    layouts.push(layout)
  }
  return layouts
}

/** Writes `bytes[from, to)`: byte by byte when short, as a single-cell edit's parts are (a view costs more). */
function writeRange(encoder: encoding.Encoder, bytes: Uint8Array, from: number, to: number): void {
  if (to - from > 64) {
    encoding.writeUint8Array(encoder, bytes.subarray(from, to))
    return
  }
  for (let at = from; at < to; at++) encoding.write(encoder, bytes[at]!)
}

/**
 * Joins consecutive updates (docs/protocol.md §3 for the v1 format): one struct section with
 * every struct in order, then every update's delete set entries one after another. A client
 * may appear in several of those entries; Yjs reads each range on its own, so applying the
 * joined update is applying the updates in order.
 */
function join(updates: readonly Uint8Array[], layouts: readonly UpdateLayout[]): Uint8Array {
  const encoder = encoding.createEncoder()
  const withStructs = layouts.filter((layout) => layout.structs !== undefined)
  const first = withStructs[0]?.structs
  encoding.writeVarUint(encoder, first === undefined ? 0 : 1)
  if (first !== undefined) {
    const count = withStructs.reduce((sum, layout) => sum + layout.structs!.count, 0)
    encoding.writeVarUint(encoder, count)
    encoding.writeVarUint(encoder, first.client)
    encoding.writeVarUint(encoder, first.from)
    layouts.forEach((layout, index) => {
      writeRange(encoder, updates[index]!, ...layout.structBytes)
    })
  }
  encoding.writeVarUint(
    encoder,
    layouts.reduce((sum, layout) => sum + layout.deleteClients, 0),
  )
  layouts.forEach((layout, index) => {
    const update = updates[index]!
    writeRange(encoder, update, layout.deleteBytesAt, update.byteLength)
  })
  return encoding.toUint8Array(encoder)
}

/**
 * One update holding every update of `updates`, in their order. Consecutive updates of one
 * client are joined byte for byte (cheaper than Y.mergeUpdates, which decodes every struct);
 * any others are merged by Yjs.
 */
export function updateOfRun(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 1) return updates[0]!
  const layouts = consecutive(updates)
  return layouts === undefined ? Y.mergeUpdates([...updates]) : join(updates, layouts)
}

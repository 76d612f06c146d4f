// Snapshots as the Store port carries them (docs/formats.md, "Snapshots on the Store port", S205):
// a Yjs update in format v1 (what versions before S205 wrote), or in format v2 behind a tag no
// v1 update can start with. Knows Yjs; not how a store keeps the bytes.
import * as Y from 'yjs'

/**
 * Eight 0xff bytes: a Yjs update starts with a variable-length integer, and lib0 refuses one
 * that runs past eight bytes (over 2^53), so no update Yjs can read starts this way.
 */
export const snapshotTagLength = 8
/** The byte after the tag of a snapshot in update format v2. */
export const snapshotV2Format = 2
/** Bytes before the v2 update in a tagged snapshot. */
export const snapshotHeaderLength = snapshotTagLength + 1

/** The format byte after the tag when `bytes` start with the tag; undefined for an untagged update. */
export function snapshotTagOf(bytes: Uint8Array): number | undefined {
  if (bytes.byteLength < snapshotHeaderLength) return undefined
  for (let index = 0; index < snapshotTagLength; index++)
    if (bytes[index] !== 0xff) return undefined
  return bytes[snapshotTagLength]
}

/** `update` (in format v2) behind the snapshot tag. */
export function tagV2Snapshot(update: Uint8Array): Uint8Array {
  const snapshot = new Uint8Array(snapshotHeaderLength + update.byteLength)
  snapshot.fill(0xff, 0, snapshotTagLength)
  snapshot[snapshotTagLength] = snapshotV2Format
  snapshot.set(update, snapshotHeaderLength)
  return snapshot
}

/**
 * The snapshot of `doc`'s whole state to hand to `Store.compact`: Yjs's update format v2,
 * encoded straight from the document (no conversion), tagged. It includes what Yjs keeps
 * pending (structs and deletions waiting for their dependencies), as `Y.encodeStateAsUpdate`
 * does. Synchronous: it is the state at the moment of the call.
 */
export function encodeSnapshot(doc: Y.Doc): Uint8Array {
  return tagV2Snapshot(Y.encodeStateAsUpdateV2(doc))
}

/**
 * Applies `snapshot` (as a Store returns it: `StoredTable.snapshot` or `readSnapshot`, in either
 * format) to `doc`, in the given transaction origin. A log entry (a v1 update) may be given too.
 * Use it wherever a snapshot is read: `Y.applyUpdate` cannot read a v2 snapshot (S205).
 * @example
 * const stored = await store.load('todos')
 * const doc = new Y.Doc()
 * if (stored.snapshot !== undefined) applySnapshot(doc, stored.snapshot)
 * for (const update of stored.updates) Y.applyUpdate(doc, update)
 * @throws what Yjs throws for bytes that are not an update
 */
export function applySnapshot(doc: Y.Doc, snapshot: Uint8Array, origin?: unknown): void {
  if (snapshotTagOf(snapshot) === snapshotV2Format)
    Y.applyUpdateV2(doc, snapshot.subarray(snapshotHeaderLength), origin)
  else Y.applyUpdate(doc, snapshot, origin)
}

/** True when `snapshot` is in update format v1, so it can go on the y-websocket wire as it is. */
export const isV1Snapshot = (snapshot: Uint8Array): boolean =>
  snapshotTagOf(snapshot) !== snapshotV2Format

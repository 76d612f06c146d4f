// How the server's stores keep snapshots (docs/formats.md, "How snapshots are stored"): the
// snapshot the Store port carries (a Yjs update in format v1, or a tagged v2 one: S205)
// Brotli-compressed behind a tag that no Yjs update can start with; untagged bytes (snapshots
// of older databases) are read as stored.
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'
import { TesseraError } from '../src/index.js'
import {
  snapshotHeaderLength,
  snapshotTagLength,
  snapshotTagOf,
  snapshotV2Format,
  tagV2Snapshot,
} from '../src/internal.js'

const decompress = promisify(zlib.brotliDecompress)

/** The format byte after the tag: what follows it. */
export const SnapshotFormat = {
  /** The given bytes (a v1 update, or any bytes but a tagged v2 snapshot), Brotli-compressed. */
  Brotli: 1,
  /** The v2 update of a tagged v2 snapshot (S205), Brotli-compressed. */
  BrotliV2: 2,
} as const
/**
 * Brotli quality 2 (docs/formats.md; measured on a 100,000-row table's v2 snapshot against
 * qualities 1 to 6): quality 3 is 2 % smaller in about the same time, 1 half as large again;
 * 5 and up store 28 % less for three to eight times the time, on the event loop at every
 * compaction.
 */
const quality = 2

const compressed = (body: Uint8Array, format: number): Uint8Array => {
  const compressedBody = zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    },
  })
  const stored = new Uint8Array(snapshotHeaderLength + compressedBody.byteLength)
  stored.fill(0xff, 0, snapshotTagLength)
  stored[snapshotTagLength] = format
  stored.set(compressedBody, snapshotHeaderLength)
  return stored
}

// What `storedByteLength` compressed: the store that then keeps the same snapshot reuses it, so a
// compaction compresses its snapshot once.
const encodedBefore = new WeakMap<Uint8Array, Uint8Array>()

/**
 * How many bytes the server's stores keep for `snapshot` (what `Store.snapshots` lists for it,
 * S102's "reading the new snapshot"). The compressed bytes are kept for `encodeSnapshot` of the
 * same array, so asking first costs no second compression.
 */
export function storedByteLength(snapshot: Uint8Array): number {
  const stored = encodeSnapshot(snapshot)
  encodedBefore.set(snapshot, stored)
  return stored.byteLength
}

/**
 * The bytes to store for `snapshot` (as the Store port carries it; any bytes are kept exactly).
 * A tagged v2 snapshot is stored as its v2 update compressed (format 2), anything else
 * compressed whole (format 1). Synchronous, so a store writes a snapshot when `compact` is
 * called (an unloading room relies on the order of its compaction and the next load).
 */
export function encodeSnapshot(snapshot: Uint8Array): Uint8Array {
  const known = encodedBefore.get(snapshot)
  if (known !== undefined) return known
  return snapshotTagOf(snapshot) === snapshotV2Format
    ? compressed(snapshot.subarray(snapshotHeaderLength), SnapshotFormat.BrotliV2)
    : compressed(snapshot, SnapshotFormat.Brotli)
}

/**
 * The snapshot stored as `stored` (by encodeSnapshot, or untagged by an older version), as the
 * Store port returns it: the bytes given to encodeSnapshot.
 * @throws STORAGE_FAILURE for a tagged snapshot that cannot be read (an unknown format: a newer
 * version wrote it; or damaged bytes)
 */
export async function decodeSnapshot(stored: Uint8Array, where: string): Promise<Uint8Array> {
  const format = snapshotTagOf(stored)
  if (format === undefined) return stored
  if (format !== SnapshotFormat.Brotli && format !== SnapshotFormat.BrotliV2) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `${where}: the snapshot is stored in format ${String(format)}, unknown to this version of tessera; upgrade tessera`,
    )
  }
  let body: Uint8Array
  try {
    body = new Uint8Array(await decompress(stored.subarray(snapshotHeaderLength)))
  } catch (cause) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `${where}: the stored snapshot is damaged (${String(cause)}); restore the database from a backup`,
      { cause },
    )
  }
  return format === SnapshotFormat.BrotliV2 ? tagV2Snapshot(body) : body
}

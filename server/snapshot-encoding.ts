// How the server's stores keep snapshots (docs/architecture.md, "Stored snapshots"): the given
// bytes (a Yjs update in format v1) Brotli-compressed behind a tag that no Yjs update can start
// with; untagged bytes (snapshots of older databases) are read as stored.
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'
import { TesseraError } from '../src/index.js'

const decompress = promisify(zlib.brotliDecompress)

/**
 * Eight 0xff bytes: a Yjs update starts with a variable-length integer, and lib0 refuses one
 * that runs past eight bytes (over 2^53), so no update Yjs can read starts this way.
 */
const tagLength = 8
/** The format byte after the tag: what follows it. */
export const SnapshotFormat = {
  /** The given bytes, Brotli-compressed. */
  Brotli: 1,
} as const
const headerLength = tagLength + 1
/**
 * Brotli quality 2: on a 100,000-row table a sixth of format v1 in a fraction of the time Yjs
 * takes to encode the state; quality 4 is larger and three times slower there, deflate a third
 * larger (docs/benchmarks.md, issue 16 item 6).
 */
const quality = 2

const isTagged = (stored: Uint8Array): boolean => {
  if (stored.byteLength < headerLength) return false
  for (let index = 0; index < tagLength; index++) if (stored[index] !== 0xff) return false
  return true
}

/**
 * The bytes to store for snapshot `update` (a Yjs update in format v1, as the Store port carries
 * it; any bytes are kept exactly). Synchronous, so a store writes a snapshot when `compact` is
 * called (an unloading room relies on the order of its compaction and the next load).
 */
export function encodeSnapshot(update: Uint8Array): Uint8Array {
  const body = zlib.brotliCompressSync(update, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: update.byteLength,
    },
  })
  const stored = new Uint8Array(headerLength + body.byteLength)
  stored.fill(0xff, 0, tagLength)
  stored[tagLength] = SnapshotFormat.Brotli
  stored.set(body, headerLength)
  return stored
}

/**
 * The snapshot stored as `stored` (by encodeSnapshot, or untagged by an older version), as the
 * Store port returns it: the bytes given to encodeSnapshot.
 * @throws STORAGE_FAILURE for a tagged snapshot that cannot be read (an unknown format: a newer
 * version wrote it; or damaged bytes)
 */
export async function decodeSnapshot(stored: Uint8Array, where: string): Promise<Uint8Array> {
  if (!isTagged(stored)) return stored
  const format = stored[tagLength]
  if (format !== SnapshotFormat.Brotli) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `${where}: the snapshot is stored in format ${String(format)}, unknown to this version of tessera; upgrade tessera`,
    )
  }
  try {
    return new Uint8Array(await decompress(stored.subarray(headerLength)))
  } catch (cause) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `${where}: the stored snapshot is damaged (${String(cause)}); restore the database from a backup`,
      { cause },
    )
  }
}

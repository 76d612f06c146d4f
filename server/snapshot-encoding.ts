// How the server's stores keep snapshots (docs/architecture.md, "Stored snapshots"): a Yjs state
// re-encoded in update format v2 and compressed with Brotli, behind a tag that no Yjs update can
// start with; untagged bytes (older databases, or bytes that are not a Yjs update) as given.
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'
import * as Y from 'yjs'
import { TesseraError } from '../src/index.js'

const decompress = promisify(zlib.brotliDecompress)

/**
 * Eight 0xff bytes: a Yjs update starts with a variable-length integer, and lib0 refuses one
 * that runs past eight bytes (over 2^53), so no update Yjs can read starts this way.
 */
const tagLength = 8
/** The format byte after the tag: what follows it. */
export const SnapshotFormat = {
  /** The given bytes, unchanged (given bytes that happen to start with the tag). */
  Given: 0,
  /** The Yjs update re-encoded in update format v2, then Brotli-compressed. */
  BrotliV2: 1,
} as const
const headerLength = tagLength + 1
/** Brotli quality 4: about 5× smaller than format v1 at a fraction of quality 11's time. */
const quality = 4

const isTagged = (stored: Uint8Array): boolean => {
  if (stored.byteLength < headerLength) return false
  for (let index = 0; index < tagLength; index++) if (stored[index] !== 0xff) return false
  return true
}

const tagged = (format: number, body: Uint8Array): Uint8Array => {
  const stored = new Uint8Array(headerLength + body.byteLength)
  stored.fill(0xff, 0, tagLength)
  stored[tagLength] = format
  stored.set(body, headerLength)
  return stored
}

/** The update in format v2 when it reads back as `update` does; undefined otherwise. */
function toV2(update: Uint8Array): Uint8Array | undefined {
  try {
    const v2 = Y.convertUpdateFormatV1ToV2(update)
    // Bytes that are not an update may still parse (Yjs ignores what follows the end of one),
    // so the conversion back must be as long. It may differ in redundant flag bits only (an
    // item with an origin has no parent written; Yjs's own encoder still flags its key).
    return Y.convertUpdateFormatV2ToV1(v2).byteLength === update.byteLength ? v2 : undefined
  } catch {
    return undefined
  }
}

/**
 * The bytes to store for snapshot `update` (a Yjs update in format v1, as the Store port carries
 * it). Never fails: bytes that are not an update are stored as given. Synchronous, so a store
 * writes a snapshot when `compact` is called, as before the encoding (an unloading room relies
 * on the order of its compaction and the next load).
 */
export function encodeSnapshot(update: Uint8Array): Uint8Array {
  const v2 = toV2(update)
  if (v2 === undefined)
    return isTagged(update) ? tagged(SnapshotFormat.Given, update) : new Uint8Array(update)
  const body = zlib.brotliCompressSync(v2, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: v2.byteLength,
    },
  })
  return tagged(SnapshotFormat.BrotliV2, body)
}

/**
 * The snapshot stored as `stored` (by encodeSnapshot, or untagged by an older version), as the
 * Store port returns it: a Yjs update in format v1.
 * @throws STORAGE_FAILURE for a tagged snapshot that cannot be read (an unknown format: a newer
 * version wrote it; or damaged bytes)
 */
export async function decodeSnapshot(stored: Uint8Array, where: string): Promise<Uint8Array> {
  if (!isTagged(stored)) return stored
  const format = stored[tagLength]
  const body = stored.subarray(headerLength)
  if (format === SnapshotFormat.Given) return new Uint8Array(body)
  if (format !== SnapshotFormat.BrotliV2) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `${where}: the snapshot is stored in format ${String(format)}, unknown to this version of tessera; upgrade tessera`,
    )
  }
  try {
    return Y.convertUpdateFormatV2ToV1(await decompress(body))
  } catch (cause) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `${where}: the stored snapshot is damaged (${String(cause)}); restore the database from a backup`,
      { cause },
    )
  }
}

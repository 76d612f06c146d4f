// Cuts one Yjs update (format v1) into slices that apply in order to the same document: bounded
// runs of structs, then the delete set alone (docs/protocol.md §3, S175). Reads the bytes only;
// knows no doc, no socket and no store. The grammar is Yjs's (yjs/src/utils/encoding.js).
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/** One client's consecutive structs inside the update: `count` structs from `clock`, raw bytes. */
interface Run {
  readonly client: number
  readonly clock: number
  readonly count: number
  readonly bytes: Uint8Array
}

/** Skips one Item's content (its reference in the info byte's low 5 bits); returns its length. */
function skipContent(decoder: decoding.Decoder, ref: number): number {
  switch (ref) {
    case 1: // deleted: its length only
      return decoding.readVarUint(decoder)
    case 2: // JSON: n strings
    case 8: {
      // any: n values
      const count = decoding.readVarUint(decoder)
      for (let i = 0; i < count; i++)
        if (ref === 2) decoding.readVarString(decoder)
        else decoding.readAny(decoder)
      return count
    }
    case 3: // binary
      decoding.readVarUint8Array(decoder)
      return 1
    case 4: // string: its length in UTF-16 units, as Yjs counts it
      return decoding.readVarString(decoder).length
    case 5: // embed
      decoding.readVarString(decoder)
      return 1
    case 6: // format: key and value
      decoding.readVarString(decoder)
      decoding.readVarString(decoder)
      return 1
    case 7: {
      // type: XmlElement (3) and XmlHook (5) carry a name
      const typeRef = decoding.readVarUint(decoder)
      if (typeRef === 3 || typeRef === 5) decoding.readVarString(decoder)
      return 1
    }
    case 9: // subdocument: guid and options
      decoding.readVarString(decoder)
      decoding.readAny(decoder)
      return 1
    default:
      throw new Error(`unknown struct content ${String(ref)}`)
  }
}

/** Skips one struct (GC, Skip or Item); returns how many clocks it covers. */
function skipStruct(decoder: decoding.Decoder): number {
  const info = decoding.readUint8(decoder)
  const ref = info & 31
  if (ref === 0 || ref === 10) return decoding.readVarUint(decoder)
  const hasOrigin = (info & 128) !== 0
  const hasRightOrigin = (info & 64) !== 0
  if (hasOrigin) skipId(decoder)
  if (hasRightOrigin) skipId(decoder)
  if (!hasOrigin && !hasRightOrigin) {
    // The parent: a root type's name (1) or an item's id (0), then the map key if any.
    if (decoding.readVarUint(decoder) === 1) decoding.readVarString(decoder)
    else skipId(decoder)
    if ((info & 32) !== 0) decoding.readVarString(decoder)
  }
  return skipContent(decoder, ref)
}

function skipId(decoder: decoding.Decoder): void {
  decoding.readVarUint(decoder)
  decoding.readVarUint(decoder)
}

/** An update holding `runs` and an empty delete set. */
function encodeRuns(runs: readonly Run[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, runs.length)
  for (const run of runs) {
    encoding.writeVarUint(encoder, run.count)
    encoding.writeVarUint(encoder, run.client)
    encoding.writeVarUint(encoder, run.clock)
    encoding.writeUint8Array(encoder, run.bytes)
  }
  encoding.writeVarUint(encoder, 0)
  return encoding.toUint8Array(encoder)
}

/** Yields the struct slices of `update`, then the update of its delete set alone. */
function* slices(update: Uint8Array, maxBytes: number): Generator<Uint8Array> {
  const decoder = decoding.createDecoder(update)
  let runs: Run[] = []
  let runBytes = 0
  const clients = decoding.readVarUint(decoder)
  for (let c = 0; c < clients; c++) {
    const structs = decoding.readVarUint(decoder)
    const client = decoding.readVarUint(decoder)
    let clock = decoding.readVarUint(decoder)
    let start = decoder.pos
    let startClock = clock
    let count = 0
    for (let s = 0; s < structs; s++) {
      clock += skipStruct(decoder)
      count++
      const isLast = s === structs - 1
      if (runBytes + decoder.pos - start < maxBytes && !isLast) continue
      runs.push({ client, clock: startClock, count, bytes: update.subarray(start, decoder.pos) })
      runBytes += decoder.pos - start
      start = decoder.pos
      startClock = clock
      count = 0
      if (runBytes < maxBytes) continue
      yield encodeRuns(runs)
      runs = []
      runBytes = 0
    }
  }
  if (runs.length > 0) yield encodeRuns(runs)
  // The delete set is the rest of the update: a struct count of zero, then those bytes.
  const rest = update.subarray(decoder.pos)
  const last = new Uint8Array(rest.byteLength + 1)
  last.set(rest, 1)
  yield last
}

/**
 * Cuts a Yjs update (v1) into slices of about `maxBytes` each (a slice ends after the struct
 * that reaches it): applied in order, they give the same document as the update, and only the
 * last one (the delete set, with no structs) deletes anything. An update no larger than
 * `maxBytes`, or one that cannot be read, is yielded whole. Lazy: each slice costs the reading
 * of its own bytes, so a caller may apply one per task.
 */
export function* sliceUpdate(update: Uint8Array, maxBytes: number): Generator<Uint8Array> {
  if (update.byteLength <= maxBytes) {
    yield update
    return
  }
  let isWhole = false
  try {
    yield* slices(update, maxBytes)
  } catch {
    // Unreadable here (not an update, or a content this reader does not know): Yjs decides
    // what it is. Slices already yielded are part of it; applying them again changes nothing.
    isWhole = true
  }
  if (isWhole) yield update
}

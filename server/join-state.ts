// The sync answers of one room for replicas that lack most of the table (a new client, a copy
// long offline): the table's state encoded once and shared by every such joiner, in slices
// (S175), followed by the updates applied since (docs/protocol.md §3, S125). Other answers are
// computed per request. Knows the doc and the message encoding; not sessions or sockets.
import * as Y from 'yjs'
import { encodeMessage, encodeSyncStep2, sliceUpdate } from '../src/internal.js'

/** A state vector: per Yjs client, the clock a replica has reached. */
export type StateVector = ReadonlyMap<number, number>

/** The shared answers of one room. */
export interface JoinState {
  /**
   * The messages that bring a replica with `stateVector` up to date with everything applied so
   * far: sync step 2 (shared when the replica lacks most of the table), then sync updates.
   */
  answer(stateVector: StateVector): Uint8Array[]
  /** An update applied to the doc (in order): it joins the tail of the shared encoding. */
  append(update: Uint8Array): void
  /** Bytes held for joiners (the shared encoding and its tail). */
  readonly bytes: number
}

export interface JoinStateOptions {
  /**
   * A replica lacking more than this share of the shared state's clocks gets the shared
   * encoding (default 0.5); others get what they lack, computed for them.
   */
  sharedAbove?: number
  /** The tail is folded into a new encoding once it exceeds this share of it (default 0.25). */
  maxTailShare?: number
  /**
   * A shared encoding larger than this goes as sync updates of about this many bytes each, then
   * a sync step 2 with the rest (S175); 0 sends it as one sync step 2 (default 64 KiB).
   */
  sliceBytes?: number
}

interface Shared {
  /** The whole state at `stateVector`, encoded once; dropped once it is cut into messages. */
  state: Uint8Array | undefined
  /** The messages carrying it: sync updates (its slices), then a sync step 2. Made on first use. */
  messages: Uint8Array[] | undefined
  /** Bytes held: of the state, then of its messages. */
  bytes: number
  readonly stateVector: StateVector
  /** The sum of `stateVector`'s clocks: how much the encoding holds. */
  readonly clocks: number
}

/** The sync updates that carry slices of a join answer (shared: a set of these very arrays). */
const joinSlices = new WeakSet<Uint8Array>()

/**
 * True for a slice of a join answer (S175): a part of a sync answer, which the answer budget
 * bounds (S88), so it never makes its reader slow (S126), as a sync step 2 does not.
 */
export const isJoinSlice = (message: Uint8Array): boolean => joinSlices.has(message)

const sliceMessage = (update: Uint8Array): Uint8Array => {
  const message = encodeMessage({ type: 'sync-update', update })
  joinSlices.add(message)
  return message
}

/** The messages that carry `state`: its slices as sync updates, the last as sync step 2 (S175). */
function messagesOf(state: Uint8Array, sliceBytes: number): Uint8Array[] {
  if (sliceBytes <= 0 || state.byteLength <= sliceBytes)
    return [encodeMessage({ type: 'sync-step-2', update: state })]
  const slices = [...sliceUpdate(state, sliceBytes)]
  return slices.map((update, index) =>
    index === slices.length - 1
      ? encodeMessage({ type: 'sync-step-2', update })
      : sliceMessage(update),
  )
}

const stateVectorOf = (doc: Y.Doc): StateVector => Y.decodeStateVector(Y.encodeStateVector(doc))

const sumOf = (vector: StateVector): number => {
  let sum = 0
  for (const clock of vector.values()) sum += clock
  return sum
}

/** How many of `shared`'s clocks a replica at `vector` lacks. */
function missingClocks(shared: StateVector, vector: StateVector): number {
  let missing = 0
  for (const [client, clock] of shared) missing += Math.max(0, clock - (vector.get(client) ?? 0))
  return missing
}

/**
 * Creates the join state of `doc`. `initial` is an encoding of the doc's state the caller
 * already has (the stored snapshot, with `updates` applied after it), so the first joiners
 * need no encoding at all.
 */
export function createJoinState(
  doc: Y.Doc,
  initial?: { state: Uint8Array; stateVector: StateVector; updates: readonly Uint8Array[] },
  options: JoinStateOptions = {},
): JoinState {
  const sharedAbove = options.sharedAbove ?? 0.5
  const maxTailShare = options.maxTailShare ?? 0.25
  const sliceBytes = options.sliceBytes ?? 64 * 1024
  let shared: Shared | undefined
  let tail: Uint8Array[] = []
  let tailBytes = 0
  let tailMessages: Uint8Array[] | undefined

  const share = (state: Uint8Array, stateVector: StateVector): void => {
    shared = {
      state,
      messages: undefined,
      bytes: state.byteLength,
      stateVector,
      clocks: sumOf(stateVector),
    }
    tail = []
    tailBytes = 0
    tailMessages = undefined
  }
  if (initial !== undefined) {
    share(initial.state, initial.stateVector)
    for (const update of initial.updates) append(update)
  }

  function append(update: Uint8Array): void {
    if (shared === undefined) return
    tail.push(update)
    tailBytes += update.byteLength
    tailMessages = undefined
    // Bounded memory: past its share the tail is dropped with the encoding it follows; the
    // next joiner that needs one encodes the doc again.
    if (tailBytes > shared.bytes * maxTailShare) shared = undefined
  }

  const sharedAnswer = (): Uint8Array[] => {
    if (shared === undefined) share(Y.encodeStateAsUpdate(doc), stateVectorOf(doc))
    const current = shared!
    if (current.messages === undefined) {
      current.messages = messagesOf(current.state!, sliceBytes)
      current.state = undefined
      current.bytes = current.messages.reduce((sum, message) => sum + message.byteLength, 0)
    }
    const messages = current.messages
    if (tail.length === 0) return messages
    // A big tail (the log after a stored snapshot) is sliced like the encoding (S175).
    tailMessages ??= [
      ...sliceUpdate(tail.length === 1 ? tail[0]! : Y.mergeUpdates(tail), sliceBytes || Infinity),
    ].map(sliceMessage)
    // The tail goes before the sync step 2 that ends the encoding (after its slices, which it
    // follows; alone, Yjs keeps it pending until the step 2 arrives), so a client has the whole
    // table once it applies the sync step 2 that marks it synced.
    return [...messages.slice(0, -1), ...tailMessages, messages[messages.length - 1]!]
  }

  return {
    answer(stateVector) {
      const reference = shared?.stateVector ?? stateVectorOf(doc)
      const total = shared?.clocks ?? sumOf(reference)
      if (total > 0 && missingClocks(reference, stateVector) > total * sharedAbove)
        return sharedAnswer()
      return [encodeSyncStep2(doc, Y.encodeStateVector(new Map(stateVector)))]
    },
    append,
    get bytes() {
      return shared === undefined ? 0 : shared.bytes + tailBytes
    },
  }
}

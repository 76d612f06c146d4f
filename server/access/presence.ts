// Stamps presence (y-protocols awareness updates) with the identity of the connection that sent
// it, so nobody can show up in another user's name or overwrite another connection's presence.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { TesseraError } from '../../src/index.js'

/** Whose presence a connection may publish, and how much. */
export interface PresenceStamp {
  /**
   * The connection's verified user; null for an anonymous caller. Undefined when auth is off:
   * nobody is verified, so `user` fields are relayed as sent.
   */
  readonly user: { readonly id: string; readonly name: string } | null | undefined
  /** The largest state accepted, in bytes of its JSON (S71). */
  readonly maxStateBytes: number
  /** True when the connection may publish the state of `clientId` (S53, S70); may claim it. */
  admit(clientId: number): boolean
  /** The clock the room holds for `clientId` (0 for none): a kept state gets the next one. */
  clockOf(clientId: number): number
  /**
   * True when the room already holds this client's state at `clock` or later: a refused state
   * that is a peer relaying what it received (stock y-websocket providers do), not a claim (S118).
   */
  isEcho?(clientId: number, clock: number): boolean
}

/** What `stampPresence` kept. */
export interface StampedPresence {
  /** The awareness update to apply; undefined when nothing is left. */
  readonly update: Uint8Array | undefined
  /** States dropped because their client id belongs to another connection or user. */
  readonly dropped: number
  /** Of those, the states the room already had (relayed echoes, S118). */
  readonly echoed: number
  /** States dropped because they are larger than `maxStateBytes`, with their size. */
  readonly oversized: readonly { readonly clientId: number; readonly bytes: number }[]
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Rewrites an awareness update (y-protocols: varUint count, then per client varUint id, varUint
 * clock, varString JSON state) so that every state's `user.id` and `user.name` are the
 * connection's own (S52); drops states of client ids it may not publish (S53, S70) and states
 * over the size limit (S71). Kept states get the room's next clock for their id: the server is
 * the only relay, so its clocks order them for every receiver, and a client that reconnects
 * with its old clock (as y-websocket's provider does) is shown again at once.
 * @throws PROTOCOL_ERROR for bytes that are not an awareness update
 */
export function stampPresence(update: Uint8Array, stamp: PresenceStamp): StampedPresence {
  const entries: { clientId: number; clock: number; state: string }[] = []
  const oversized: { clientId: number; bytes: number }[] = []
  let dropped = 0
  let echoed = 0
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    for (let index = 0; index < count; index++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const json = decoding.readVarString(decoder)
      const bytes = Buffer.byteLength(json)
      if (bytes > stamp.maxStateBytes) oversized.push({ clientId, bytes })
      else if (!stamp.admit(clientId)) {
        dropped++
        if (stamp.isEcho?.(clientId, clock) === true) echoed++
      } else {
        const state = stampState(JSON.parse(json), stamp.user, clientId) ?? json
        entries.push({ clientId, clock: stamp.clockOf(clientId) + 1, state })
      }
    }
  } catch (cause) {
    throw new TesseraError('PROTOCOL_ERROR', `malformed awareness update: ${String(cause)}`, {
      cause,
    })
  }
  if (entries.length === 0) return { update: undefined, dropped, echoed, oversized }
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId)
    encoding.writeVarUint(encoder, entry.clock)
    encoding.writeVarString(encoder, entry.state)
  }
  return { update: encoding.toUint8Array(encoder), dropped, echoed, oversized }
}

/** The id an anonymous caller's presence gets: never a token's user id (S52). */
export const anonymousId = (clientId: number): string => `anonymous-${clientId}`

/** The state's JSON with the identity stamped on, or undefined when it needs no change. */
function stampState(
  state: unknown,
  user: PresenceStamp['user'],
  clientId: number,
): string | undefined {
  // A null state is a client leaving; anything but an object carries no identity to stamp.
  if (user === undefined || !isObject(state)) return undefined
  const claimed = isObject(state.user) ? state.user : undefined
  if (user === null) {
    // An anonymous caller keeps the name it shows, but not a user id it cannot prove.
    if (claimed === undefined || claimed.id === anonymousId(clientId)) return undefined
    return JSON.stringify({ ...state, user: { ...claimed, id: anonymousId(clientId) } })
  }
  if (claimed?.id === user.id && claimed.name === user.name) return undefined
  return JSON.stringify({ ...state, user: { ...claimed, id: user.id, name: user.name } })
}

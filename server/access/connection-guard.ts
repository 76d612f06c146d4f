// What access control adds to one WebSocket connection once it is open: the token's expiry,
// presence stamped with the caller's identity and held to its size, and the audit of updates.
import { encodeMessage, type AppliedUpdate } from '../../src/internal.js'
import type { Metrics } from '../metrics.js'
import type { Peer, Room } from '../room.js'
import { callerId } from './access-control.js'
import { auditRecordsOf, type Audit } from './audit.js'
import type { Grant } from './check-access.js'
import type { GrantChange, LiveGrants } from './live-grants.js'
import type { PresenceOwners } from './presence-owners.js'
import { stampPresence } from './presence.js'

/** The access hooks of one connection (called by server/connection.ts). */
export interface ConnectionGuard {
  /** The caller's user id: the author of its updates in the table's history (null: anonymous). */
  readonly author: string | null
  /**
   * Calls `onChange` when the connection's permissions change (S76) and, once, when they end:
   * the token expired (S51) or was revoked (S75), or reading was withdrawn (S76); the
   * connection then closes with the error's close code. Returns the function that stops.
   */
  watch(onChange: (change: GrantChange) => void): () => void
  /** The awareness update to apply instead of `update`; undefined drops it. */
  filterPresence(update: Uint8Array, room: Room, peer: Peer): Uint8Array | undefined
  /** Records what an accepted update did, once it is durable (S54). */
  onApplied(room: Room, applied: AppliedUpdate): void
}

/** What every connection's guard shares. */
export interface GuardContext {
  isAuthEnabled: boolean
  audit: Audit
  metrics: Metrics
  /** Which user each awareness client id belongs to (S70). */
  presenceOwners: PresenceOwners
  /** The largest presence state relayed, in bytes (S71). */
  maxPresenceBytes: number
  /** Where open grants are watched for expiry, revocation and rule changes. */
  liveGrants: LiveGrants
  now?: () => number
}

/**
 * S53, S70: whether `peer`, acting as `identity` (a verified user id, or null), may publish the
 * presence of `clientId` in `room`. An id bound to another user is refused; one held by another
 * open connection is refused unless both are the same user (a reconnect the server has not
 * noticed yet), which hands it over; one another node announced is refused (S93).
 */
function admitPresence(
  owners: PresenceOwners,
  room: Room,
  peer: Peer,
  identity: string | null,
  clientId: number,
): boolean {
  // S93: a stock provider sends back every state it hears, other nodes' too; claimed here, a
  // state would outlive its node. Once that node's states go, their owners announce them again.
  if (room.link?.isRemotePresence(clientId) === true) return false
  const owner = owners.ownerOf(room.name, clientId)
  if (owner !== undefined && owner !== identity) return false
  const holder = [...room.peers].find((other) => other !== peer && other.awarenessIds.has(clientId))
  if (holder !== undefined) {
    if (identity === null || owner !== identity) return false
    // The older connection no longer removes this state when it leaves.
    holder.awarenessIds.delete(clientId)
  }
  if (identity !== null) owners.bind(room.name, clientId, identity)
  return true
}

/** Builds the guard of a connection to `table` opened with `grant`. */
export function createConnectionGuard(
  grant: Grant,
  table: string,
  context: GuardContext,
): ConnectionGuard {
  const { caller } = grant
  const userId = callerId(caller)
  const now = context.now ?? Date.now
  const stampedUser = !context.isAuthEnabled
    ? undefined
    : userId === null
      ? null
      : { id: userId, name: caller.user?.name ?? userId }
  const identity = stampedUser?.id ?? null
  const { metrics, maxPresenceBytes } = context
  return {
    author: userId,
    watch: (onChange) => context.liveGrants.watch(grant, table, onChange),
    filterPresence(update, room, peer) {
      const result = stampPresence(update, {
        user: stampedUser,
        maxStateBytes: maxPresenceBytes,
        admit: (clientId) => admitPresence(context.presenceOwners, room, peer, identity, clientId),
        clockOf: (clientId) => room.awareness.meta.get(clientId)?.clock ?? 0,
        isEcho: (clientId, clock) => (room.awareness.meta.get(clientId)?.clock ?? -1) >= clock,
      })
      // S118: a relayed copy of a state the room has is no attempt; without auth nothing is.
      if (context.isAuthEnabled && result.dropped > result.echoed) metrics.error('FORBIDDEN')
      for (const { clientId, bytes } of result.oversized) {
        metrics.error('MESSAGE_TOO_LARGE')
        const message = `the presence state of client ${clientId} is ${bytes} bytes; the server relays at most ${maxPresenceBytes} (option maxPresenceBytes): keep presence to user, colour and selection`
        peer.send(encodeMessage({ type: 'error', code: 'MESSAGE_TOO_LARGE', message }))
      }
      return result.update
    },
    onApplied(room, applied) {
      const { inserted, deleted, updated, moved } = applied
      if (inserted.length + deleted.length + updated.size + moved.length === 0) return
      // S245: written with the update's commit; an update that could not be stored was not
      // accepted (its writer got notSaved) and has no record.
      const records = auditRecordsOf(room.name, userId, applied, now())
      room.recordWithCommit(records, context.audit.writer)
    },
  }
}

// What access control adds to one WebSocket connection once it is open: the token's expiry,
// presence stamped with the caller's identity, and the audit record of each accepted update.
import type { AppliedUpdate } from '../../src/internal.js'
import type { Metrics } from '../metrics.js'
import type { Peer, Room } from '../room.js'
import { callerId, type Caller } from './access-control.js'
import type { AuditLog } from './audit-log.js'
import { stampPresence } from './presence.js'

/** The access hooks of one connection (called by server/connection.ts). */
export interface ConnectionGuard {
  /** When the token expires (ms since 1970): the connection is closed with 4401 then (S51). */
  readonly expiresAtMs: number | undefined
  /** The awareness update to apply instead of `update`; undefined drops it. */
  filterPresence(update: Uint8Array, room: Room, peer: Peer): Uint8Array | undefined
  /** Records what an accepted update did, once it is durable (S54). */
  onApplied(room: Room, applied: AppliedUpdate): void
}

/** Builds the guard of a connection opened by `caller`. */
export function createConnectionGuard(
  caller: Caller,
  context: { isAuthEnabled: boolean; audit: AuditLog; metrics: Metrics; now?: () => number },
): ConnectionGuard {
  const userId = callerId(caller)
  const now = context.now ?? Date.now
  const stampedUser = !context.isAuthEnabled
    ? undefined
    : userId === null
      ? null
      : { id: userId, name: caller.user?.name ?? userId }
  return {
    expiresAtMs: caller.user?.expiresAtMs,
    filterPresence(update, room, peer) {
      const result = stampPresence(update, {
        user: stampedUser,
        isOwnedElsewhere: (clientId) =>
          [...room.peers].some((other) => other !== peer && other.awarenessIds.has(clientId)),
      })
      if (result.dropped > 0) context.metrics.error('FORBIDDEN')
      return result.update
    },
    onApplied(room, applied) {
      const { inserted, deleted, updated, moved } = applied
      if (inserted.length + deleted.length + updated.size + moved.length === 0) return
      const atMs = now()
      room.afterDurable((error) => {
        // An update that could not be stored was not accepted: its writer got notSaved.
        if (error === undefined) context.audit.record(room.name, userId, applied, atMs)
      })
    },
  }
}

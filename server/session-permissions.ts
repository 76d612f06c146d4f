// A sync session's permissions: what the connection may do now, told to a Tessera client that
// asked (S57) and again when they change (S76); an ended grant closes the connection (S51, S75).
import { closeCodeOf, encodeMessage, type TablePermissions } from '../src/internal.js'
import type { GrantChange } from './access/live-grants.js'
import type { Metrics } from './metrics.js'
import type { Peer } from './room.js'

/** One session's permissions. */
export interface SessionPermissions {
  readonly permissions: TablePermissions
  /** Answers a permissions request; from then on the client is told of every change (S57). */
  request(): void
  /**
   * S51, S75, S76: an expired or revoked token, or withdrawn read, closes the connection; new
   * permissions apply to the next update, and a Tessera client is told.
   */
  change(change: GrantChange): void
}

/** The permissions of `peer`'s session, starting at `initial`. */
export function sessionPermissions(
  initial: TablePermissions,
  peer: Peer,
  metrics: Metrics,
): SessionPermissions {
  let permissions = initial
  // A Tessera client asks for its permissions; only it is told when they change (S76).
  let hasAskedPermissions = false
  return {
    get permissions() {
      return permissions
    },
    request() {
      hasAskedPermissions = true
      peer.send(encodeMessage({ type: 'permissions', permissions }))
    },
    change(change) {
      if (change.type === 'end') {
        metrics.error(change.error.code)
        peer.close(closeCodeOf(change.error.code), change.error.message)
        return
      }
      permissions = change.permissions
      if (hasAskedPermissions) peer.send(encodeMessage({ type: 'permissions', permissions }))
    },
  }
}

// A room's presence: the awareness of its table, relayed to its peers and its link to other
// nodes, and each peer's announced client ids, removed when it leaves. Knows peers, not sockets.
import type * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { encodeAwarenessStates } from '../src/internal.js'
import type { RoomLink } from './cluster/cluster.js'

/** The presence of one room's peers. */
export interface RoomPresence {
  readonly awareness: awarenessProtocol.Awareness
  /** Removes the presence `peer` announced; call when it leaves the room. */
  removePeer(peer: PresencePeer): void
}

/** A peer as its room's presence sees it (room.ts's Peer extends it). */
export interface PresencePeer {
  /** Sends presence, which is dropped while the connection's send buffer fills up (S72). */
  sendPresence(message: Uint8Array): void
  /** Awareness client ids this connection announced (removed when it leaves). */
  readonly awarenessIds: Set<number>
}

interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}

/**
 * The presence over `doc` relayed to `peers` (a live set) and to the room's link, read when
 * presence changes since a room's link starts after the room.
 */
export function createRoomPresence(
  doc: Y.Doc,
  peers: ReadonlySet<PresencePeer>,
  link: () => RoomLink | undefined,
): RoomPresence {
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(null)

  const relayPresence = (
    { added, updated, removed }: AwarenessChanges,
    from?: PresencePeer,
  ): Uint8Array => {
    if (from !== undefined && peers.has(from)) {
      for (const id of [...added, ...updated]) from.awarenessIds.add(id)
      for (const id of removed) from.awarenessIds.delete(id)
    }
    const message = encodeAwarenessStates(awareness, [...added, ...updated, ...removed])
    // The sender's session echoes its own presence itself (S62), with the sender's own clocks:
    // this message carries the room's clocks (S70), which would make it send its state again.
    for (const peer of peers) if (peer !== from) peer.sendPresence(message)
    return message
  }

  awareness.on('update', (changes: AwarenessChanges, origin: unknown) => {
    const message = relayPresence(changes, origin as PresencePeer | undefined)
    // Each node times out idle states itself; what came from another node goes no further.
    const roomLink = link()
    if (origin !== 'timeout' && origin !== roomLink) roomLink?.presence(message)
  })

  return {
    awareness,
    removePeer(peer) {
      if (peer.awarenessIds.size > 0) {
        awarenessProtocol.removeAwarenessStates(awareness, [...peer.awarenessIds], null)
      }
    },
  }
}

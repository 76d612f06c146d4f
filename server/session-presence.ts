// A sync session's presence: what the connection sends, filtered to its own identity and
// applied to the room, and the room's presence of others, sent in chunks (S52–S53, S62, S70–S72).
import * as awarenessProtocol from 'y-protocols/awareness'
import { encodeAwarenessStates, encodeMessage } from '../src/internal.js'
import type { ConnectionGuard } from './access/connection-guard.js'
import { encodeAwarenessChunks } from './awareness-chunks.js'
import type { Peer, Room } from './room.js'

/** About how many bytes of presence one greeting message carries. */
const presenceChunkBytes = 64 * 1024

/** One session's side of its room's presence. */
export interface SessionPresence {
  /** Applies a presence update from the connection. */
  receive(received: Uint8Array): void
  /**
   * Sends the room's presence but this connection's own, in chunks that stop when its buffer
   * fills; `isAnswer`: it answers a query, so it is sent even when empty (how a client probes, S62).
   */
  sendOthers(isAnswer: boolean): void
}

/** The presence of `peer` in `room`, filtered by `guard` when the server checks access. */
export function sessionPresence(
  room: Room,
  peer: Peer,
  guard: ConnectionGuard | undefined,
): SessionPresence {
  return {
    receive(received) {
      // S52–S53, S70–S71: presence carries the connection's own identity, never another's.
      const update = guard === undefined ? received : guard.filterPresence(received, room, peer)
      if (update === undefined) return
      awarenessProtocol.applyAwarenessUpdate(room.awareness, update, peer)
      // S62: the sender hears its presence back, with its own clocks, which it ignores; the
      // room's clocks (S70) would make it send its state again, and again.
      peer.sendPresence(encodeMessage({ type: 'awareness', update: received }))
    },
    sendOthers(isAnswer) {
      const others = [...room.awareness.getStates().keys()].filter(
        (id) => !peer.awarenessIds.has(id),
      )
      const chunks = encodeAwarenessChunks(room.awareness, others, presenceChunkBytes)
      if (chunks.length === 0 && isAnswer) chunks.push(encodeAwarenessStates(room.awareness, []))
      for (const message of chunks) peer.sendPresence(message)
    },
  }
}

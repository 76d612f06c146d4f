// Presence for a connection that joins: the room's awareness states split into messages of a
// bounded size, so that sending them can stop once the connection's buffer fills (S72).
import type * as awarenessProtocol from 'y-protocols/awareness'
import { encodeAwarenessStates } from '../src/internal.js'

/**
 * Encodes the given clients' states as awareness messages of about `maxBytes` each (one state
 * may be larger), so that a greeting to a new connection can stop when its buffer fills (S72).
 */
export function encodeAwarenessChunks(
  awareness: awarenessProtocol.Awareness,
  clients: readonly number[],
  maxBytes: number,
): Uint8Array[] {
  const messages: Uint8Array[] = []
  let chunk: number[] = []
  let bytes = 0
  for (const client of clients) {
    const size = JSON.stringify(awareness.getStates().get(client) ?? null).length
    if (chunk.length > 0 && bytes + size > maxBytes) {
      messages.push(encodeAwarenessStates(awareness, chunk))
      chunk = []
      bytes = 0
    }
    chunk.push(client)
    bytes += size
  }
  if (chunk.length > 0) messages.push(encodeAwarenessStates(awareness, chunk))
  return messages
}

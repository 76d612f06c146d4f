// Which node each remote presence state of one table came from, so the states of a node that
// died (no heartbeat, no goodbye) can be removed (S93). Knows nothing about Redis or rooms.
import { presenceClients } from './messages.js'

/** The owners of one table's remote presence states. */
export interface PresenceOwners {
  /** A presence message relayed from `node`. */
  note(node: string, message: Uint8Array): void
  /** A presence message from a connection of this node: those clients are local now. */
  noteLocal(message: Uint8Array): void
  /** True when another node announced `id`. */
  has(id: number): boolean
  /** Forgets and returns the client ids `node` announced. */
  takeNode(node: string): number[]
}

/** Creates an empty owner map. */
export function createPresenceOwners(): PresenceOwners {
  const owners = new Map<number, string>()
  return {
    note(node, message) {
      for (const { id, isPresent } of presenceClients(message)) {
        if (isPresent) owners.set(id, node)
        else owners.delete(id)
      }
    },
    noteLocal(message) {
      for (const { id } of presenceClients(message)) owners.delete(id)
    },
    has: (id) => owners.has(id),
    takeNode(node) {
      const ids = [...owners].filter(([, owner]) => owner === node).map(([id]) => id)
      for (const id of ids) owners.delete(id)
      return ids
    },
  }
}

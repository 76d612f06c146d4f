// Which identity an awareness client id belongs to, per table (S70). A binding outlives the
// connection that made it, so another user cannot take the id over while its owner reconnects.
// Pure bookkeeping with an injectable clock; knows nothing about sockets or rooms.

/** The owners of awareness client ids on one server. */
export interface PresenceOwners {
  /** The verified user id the client id is bound to in `table`, if any (and not expired). */
  ownerOf(table: string, clientId: number): string | undefined
  /** Binds (or refreshes) the client id to `identity`; the binding lasts `retentionMs` after. */
  bind(table: string, clientId: number, identity: string): void
}

/** Options of `createPresenceOwners`. */
export interface PresenceOwnersOptions {
  /** How long a binding lasts after the id was last used; default one hour. */
  retentionMs?: number
  /** Most bindings kept; the least recently used go first. Default 100,000. */
  maxBindings?: number
  now?: () => number
}

/** Creates an empty registry. */
export function createPresenceOwners(options: PresenceOwnersOptions = {}): PresenceOwners {
  const { retentionMs = 60 * 60 * 1000, maxBindings = 100_000, now = Date.now } = options
  // Insertion order is last use: a binding is moved to the end whenever it is refreshed.
  const bindings = new Map<string, { identity: string; lastSeenMs: number }>()
  const keyOf = (table: string, clientId: number): string => `${clientId}\u0000${table}`
  const dropExpired = (time: number): void => {
    for (const [key, binding] of bindings) {
      if (time - binding.lastSeenMs <= retentionMs && bindings.size <= maxBindings) return
      bindings.delete(key)
    }
  }
  return {
    ownerOf(table, clientId) {
      const binding = bindings.get(keyOf(table, clientId))
      if (binding === undefined || now() - binding.lastSeenMs > retentionMs) return undefined
      return binding.identity
    },
    bind(table, clientId, identity) {
      const key = keyOf(table, clientId)
      const time = now()
      bindings.delete(key)
      bindings.set(key, { identity, lastSeenMs: time })
      dropExpired(time)
    },
  }
}

// Which tokens are revoked (S75): the server's in-memory view of the RevocationList port, kept
// current by polling it (the CLI and other servers write to the same list) and by its own adds.
import { TesseraError } from '../../src/index.js'
import type { Logger } from '../logger.js'
import type { Revocation, RevocationList } from '../ports/revocation-list.js'
import type { User } from './tokens.js'

/** The revocations one server enforces. */
export interface Revocations {
  /** True when the user's token is revoked: by its `jti`, or by a revocation of its user. */
  isRevoked(user: User): boolean
  /**
   * Revokes a token (`kind: 'token'`, by `jti`) or every token of a user issued until now.
   * @throws STORAGE_FAILURE when the list cannot store it
   */
  revoke(kind: Revocation['kind'], id: string): Promise<Revocation>
  /** Every revocation, oldest first. */
  list(): Revocation[]
  /** Calls `listener` after new revocations were taken in; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void
  /** Stops polling. */
  close(): void
}

/** Options of `loadRevocations`. */
export interface RevocationsOptions {
  /** How often the list is read for revocations made elsewhere; default 1,000 ms. */
  pollMs?: number
  logger: Logger
  onError?: ((error: TesseraError) => void) | undefined
  now?: () => number
}

/**
 * Reads every revocation from `list` and polls it for new ones.
 * @throws STORAGE_FAILURE when the list cannot be read at start
 */
export async function loadRevocations(
  list: RevocationList,
  options: RevocationsOptions,
): Promise<Revocations> {
  const { pollMs = 1000, now = Date.now } = options
  const known: Revocation[] = []
  const tokens = new Set<string>()
  // A user's tokens issued up to this time (ms) are revoked.
  const users = new Map<string, number>()
  let lastSeq = 0
  const listeners = new Set<() => void>()
  const changed = (): void => {
    for (const listener of [...listeners]) listener()
  }
  const take = (revocations: readonly Revocation[]): boolean => {
    let isNew = false
    for (const revocation of revocations) {
      if (revocation.seq <= lastSeq) continue
      lastSeq = revocation.seq
      known.push(revocation)
      isNew = true
      if (revocation.kind === 'token') tokens.add(revocation.id)
      else users.set(revocation.id, Math.max(users.get(revocation.id) ?? 0, revocation.atMs))
    }
    return isNew
  }
  take(await list.list(0))
  let isPolling = false
  const poll = async (): Promise<void> => {
    if (isPolling) return
    isPolling = true
    try {
      if (take(await list.list(lastSeq))) changed()
    } catch (error) {
      options.logger.error('reading the revocation list failed', error)
      if (error instanceof TesseraError) options.onError?.(error)
    } finally {
      isPolling = false
    }
  }
  const timer = setInterval(() => void poll(), pollMs)
  timer.unref()
  return {
    isRevoked(user) {
      if (user.tokenId !== undefined && tokens.has(user.tokenId)) return true
      const revokedAtMs = users.get(user.id)
      if (revokedAtMs === undefined) return false
      // `iat` has whole seconds: a token from the second of the revocation is refused too.
      return user.issuedAtMs === undefined || user.issuedAtMs <= revokedAtMs
    },
    async revoke(kind, id) {
      const revocation = await list.add({ kind, id, atMs: now() })
      if (take([...(await list.list(lastSeq)), revocation])) changed()
      return revocation
    },
    list: () => [...known],
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    close() {
      clearInterval(timer)
    },
  }
}

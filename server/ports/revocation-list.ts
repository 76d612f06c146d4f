// The RevocationList port: tokens revoked before they expire (S75), as plain records. Knows
// nothing about SQLite or PostgreSQL; adapters implement it (server/adapters/).

/** What is revoked: one token by its `jti`, or every token of a user (`sub`) issued until then. */
export interface RevocationInput {
  readonly kind: 'token' | 'user'
  /** The token's `jti`, or the user's id (`sub`). */
  readonly id: string
  /** When it was revoked, in ms since 1970. */
  readonly atMs: number
}

/** A stored revocation with its sequence number (grows with every one added, never reused). */
export interface Revocation extends RevocationInput {
  readonly seq: number
}

/**
 * Durable storage of revocations, shared by every server on the same database (and by the
 * `tessera token revoke` CLI). Every method may reject with a `TesseraError` of code
 * `STORAGE_FAILURE`.
 *
 * Guarantees every adapter gives (checked by test/server/revocation-list-contract.ts):
 * - `add` stores the revocation durably and resolves to it with a `seq` larger than every
 *   `seq` stored before.
 * - `list(afterSeq)` returns every revocation with a larger `seq`, in `seq` order.
 */
export interface RevocationList {
  /** Stores a revocation. */
  add(revocation: RevocationInput): Promise<Revocation>
  /** The revocations stored after `afterSeq` (0: all), oldest first. */
  list(afterSeq: number): Promise<Revocation[]>
  /** Releases the list. Idempotent. */
  close(): Promise<void>
}

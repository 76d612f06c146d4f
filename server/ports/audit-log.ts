// The AuditLog port: who changed which rows of which table, and when, as plain records.
// Knows nothing about SQLite or PostgreSQL; adapters implement it (server/adapters/).

/** One row-level event, as the server records it. */
export interface AuditRecord {
  readonly table: string
  readonly rowId: string
  readonly action: 'insert' | 'update' | 'delete' | 'move'
  /** Column ids of the cells an update wrote (empty for the other actions). */
  readonly columns: readonly string[]
  /** The writer's user id; null when the caller is anonymous or auth is off. */
  readonly userId: string | null
  /** When the change was accepted, in ms since 1970. */
  readonly atMs: number
}

/** A stored record with its sequence number (grows with every record, never reused). */
export interface AuditEntry extends AuditRecord {
  readonly seq: number
}

/**
 * Durable storage of the audit log. Every method may reject with a `TesseraError` of code
 * `STORAGE_FAILURE` (the cause keeps the adapter's own error).
 *
 * Guarantees every adapter gives (checked by test/server/audit-log-contract.ts):
 * - `append` stores all its records or none, in order; their sequence numbers grow.
 * - `history` returns one row's records oldest first, at most `limit` of them.
 * - `prune(beforeMs)` deletes every record with `atMs < beforeMs` and no other.
 */
export interface AuditLog {
  /** Appends records in one transaction. */
  append(records: readonly AuditRecord[]): Promise<void>
  /** A row's records, oldest first, at most `limit`. */
  history(table: string, rowId: string, limit: number): Promise<AuditEntry[]>
  /** Deletes records older than `beforeMs`; resolves to how many. */
  prune(beforeMs: number): Promise<number>
  /** Releases the log. Idempotent. */
  close(): Promise<void>
}

// The AuditLog port: who changed which rows of which table, and when, as plain records.
// Knows nothing about SQLite or PostgreSQL; adapters implement it (server/adapters/).

/** One row-level event, as the server records it. */
export interface AuditRecord {
  readonly table: string
  /** The row; '' for an event of the whole table (a restore of the table, S212). */
  readonly rowId: string
  readonly action: 'insert' | 'update' | 'delete' | 'move' | 'restore'
  /** Column ids of the cells an update wrote, or a cell restore set back (empty otherwise). */
  readonly columns: readonly string[]
  /** The writer's user id; null when the caller is anonymous or auth is off. */
  readonly userId: string | null
  /** When the change was accepted, in ms since 1970. */
  readonly atMs: number
  /** For `restore` (S212): the time the table, row or cell was brought back to, in ms. */
  readonly restoredToMs?: number
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
 * - `list(afterSeq, limit, table?)` returns the records after `afterSeq` in `seq` order (of one
 *   table when given), at most `limit`: what a copy (S211) and the table's audit route read.
 */
export interface AuditLog {
  /** Appends records in one transaction. */
  append(records: readonly AuditRecord[]): Promise<void>
  /**
   * S245: appends records synchronously inside a write step that is running on the database
   * this log shares with the store (SQLite), so they commit or roll back with that step.
   * Absent when the log has no such database. @throws SQLite's error
   */
  appendInStep?(records: readonly AuditRecord[]): void
  /** A row's records, oldest first, at most `limit`. */
  history(table: string, rowId: string, limit: number): Promise<AuditEntry[]>
  /** Records with a `seq` above `afterSeq`, oldest first, at most `limit`; only `table`'s when given. */
  list(afterSeq: number, limit: number, table?: string): Promise<AuditEntry[]>
  /** Deletes records older than `beforeMs`; resolves to how many. */
  prune(beforeMs: number): Promise<number>
  /** Releases the log. Idempotent. */
  close(): Promise<void>
}

// The Store port: durable bytes per table (an append-only update log plus one snapshot).
// Knows nothing about Yjs documents, SQLite or IndexedDB; adapters implement it.

/** What `Store.load` returns: the latest snapshot (if any) and the log entries after it, oldest first. */
export interface StoredTable {
  /** The compacted state, when the table was ever compacted. */
  snapshot?: Uint8Array
  /** Updates appended after the snapshot, oldest first. */
  updates: Uint8Array[]
  /**
   * Sequence number of the newest entry folded into `snapshot` or held in `updates`; 0 when
   * empty. With `afterSeq`, never below it.
   */
  seq: number
  /** Total bytes of `updates` (what compaction thresholds measure). */
  updateBytes: number
}

/** Options of `Store.load`. */
export interface LoadOptions {
  /**
   * Read only what came after this sequence number (a replica catching up): the updates above
   * it, and the snapshot only when the snapshot covers updates above it. Default 0: everything.
   */
  afterSeq?: number
}

/**
 * Durable storage for tables as bytes. Every method may reject with a `TesseraError` of code
 * `STORAGE_FAILURE` (the cause keeps the adapter's own error); `CLOSED` after `close()`.
 *
 * Guarantees every adapter gives (checked by the contract suite, test/server/store-contract.ts):
 * - `append` is atomic: all its updates are stored or none; once it resolves they survive a
 *   crash of the process.
 * - sequence numbers grow per table and never repeat, also across `compact`.
 * - `compact(table, snapshot, seq)` replaces the snapshot and drops every update with a
 *   sequence number up to `seq` in one atomic step; updates appended after `seq` stay. A snapshot
 *   never replaces one of a higher `seq` (two servers compacting one table lose nothing).
 * - `load` of a table never written returns `{ updates: [], seq: 0, updateBytes: 0 }`.
 */
export interface Store {
  /** Reads a table's snapshot and later updates (with `afterSeq`, only what followed it). */
  load(table: string, options?: LoadOptions): Promise<StoredTable>
  /** Appends updates to a table's log in one transaction; resolves to the sequence number of the last one. */
  append(table: string, updates: readonly Uint8Array[]): Promise<number>
  /** Replaces the snapshot with `snapshot`, which must contain every update up to `seq`. */
  compact(table: string, snapshot: Uint8Array, seq: number): Promise<void>
  /** Names of every table that has a snapshot or updates, sorted. */
  list(): Promise<string[]>
  /** Deletes a table's snapshot and updates. Resolves to false when it held nothing. */
  delete(table: string): Promise<boolean>
  /** Releases the store; later calls reject with `CLOSED`. Idempotent. */
  close(): Promise<void>
}

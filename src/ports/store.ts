// The Store port: durable bytes per table (an append-only update log, each entry with its time and
// author, plus snapshots). Knows nothing about Yjs documents, SQLite or IndexedDB; adapters implement it.

/** An update to append: its bytes, when the server accepted it and who wrote it. */
export interface NewUpdate {
  /** The Yjs update. */
  update: Uint8Array
  /** When it was accepted, in ms since 1970 (the writer keeps it non-decreasing per table). */
  atMs: number
  /** The writer's user id; null when unknown (auth off, or a change the server made itself). */
  author: string | null
}

/** An entry of a table's log, as `readLog` returns it. */
export interface LoggedUpdate extends NewUpdate {
  /** Its sequence number in the table's log. */
  seq: number
}

/** What `Store.snapshots` lists: a stored state with every update up to `seq` folded in. */
export interface SnapshotInfo {
  seq: number
  /** The time of the log entry `seq` (when the state it holds was reached). */
  atMs: number
  /** The snapshot's size as the store keeps it (the server's stores compress it: S185). */
  byteLength: number
}

/** What `Store.load` returns: the newest snapshot (if any) and the log entries after it, oldest first. */
export interface StoredTable {
  /**
   * The newest snapshot, when the table was ever compacted: the bytes given to `compact`, a Yjs
   * update in format v1 or v2 behind a tag (S205); apply it with `applySnapshot`.
   */
  snapshot?: Uint8Array
  /** Updates appended after the newest snapshot, oldest first. */
  updates: Uint8Array[]
  /**
   * Sequence number of the newest entry (folded into `snapshot` or held in `updates`); 0 when
   * empty. With `afterSeq`, never below it.
   */
  seq: number
  /** Total bytes of `updates` (what compaction thresholds measure). */
  updateBytes: number
  /** The time of entry `seq` (of the newest snapshot when the log after it is empty); 0 when empty. */
  atMs: number
  /**
   * How many times the table was deleted (S210): 0 for a table never deleted. Read in the same
   * step as the rest, so it names the life of the table this load returns. Stores that only one
   * writer uses (the browser's IndexedDB) leave it out.
   */
  generation?: number
  /**
   * S235: the bytes given to the last `delete` of this table (the server keeps there the Yjs
   * state vector of everything the table held before its deletions); absent when there are none.
   */
  deletedState?: Uint8Array
}

/** Options of `Store.delete`. */
export interface DeleteOptions {
  /**
   * Opaque bytes kept with the new generation and returned by `load` as `deletedState` until the
   * next deletion replaces them (S235). Default: none kept.
   */
  deletedState?: Uint8Array
}

/** Options of `Store.append`. */
export interface AppendOptions {
  /**
   * The `generation` the caller loaded the table at (S210): when the table was deleted since,
   * nothing is stored and the append rejects with `TABLE_NOT_FOUND`. Default: not checked.
   */
  generation?: number
  /**
   * S245: a write of the caller's to run inside the append's own transaction, after its updates
   * (the server's audit records, when they share the store's SQLite file); when it throws, the
   * append stores nothing and rejects. A store that has no such transaction ignores it.
   */
  inTransaction?: () => void
}

/** Options of `Store.compact`. */
export interface CompactOptions {
  /** The time of log entry `seq`; default 0 (unknown). */
  atMs?: number
  /** The sequence number of an older snapshot this one supersedes: it is deleted in the same transaction. */
  replaces?: number
  /** As `AppendOptions.generation`: a table deleted since gets no snapshot (`TABLE_NOT_FOUND`). */
  generation?: number
}

/** Options of `Store.load`. */
export interface LoadOptions {
  /**
   * Read only what came after this sequence number (a node catching up): the newest snapshot
   * only when it is above `afterSeq`, and the log entries above both. Default 0: everything.
   */
  afterSeq?: number
}

/**
 * Durable storage for tables as bytes. Every method may reject with a `TesseraError` of code
 * `STORAGE_FAILURE` (the cause keeps the adapter's own error); `CLOSED` after `close()`.
 *
 * A table is a log (entries numbered 1, 2, … with their time and author) and a set of snapshots
 * (states at given sequence numbers). `load` starts from the newest snapshot; the older snapshots
 * and the log before it are the table's history (docs/history.md), kept until `trim` drops them.
 *
 * Guarantees every adapter gives (checked by the contract suite, test/server/store-contract.ts):
 * - `append` is atomic: all its updates are stored or none; once it resolves they survive a
 *   crash of the process.
 * - sequence numbers grow by one per entry per table and never repeat, also across `compact`
 *   and `trim`.
 * - `compact` adds a snapshot (replacing `replaces`, which must be older) in one atomic step and
 *   drops no log entry.
 * - `trim(table, seq)` drops the log entries up to `seq` and the snapshots before `seq` in one
 *   atomic step; the snapshot at `seq` stays.
 * - `load` of a table never written returns `{ updates: [], seq: 0, updateBytes: 0, atMs: 0 }`.
 * - `load` with `afterSeq` returns the newest snapshot only when it is above `afterSeq`, and the
 *   log entries above both (what a node that holds everything up to `afterSeq` lacks).
 * - `append` of an empty list stores nothing and resolves to the current sequence number.
 * - concurrent `append`s to one table get distinct, gapless sequence numbers; times are kept
 *   to the millisecond (values of today exceed 2^31: a 64-bit column), authors as any text.
 * - stores shared by several servers keep a table's `generation` (S210): `delete` raises it,
 *   and an `append` or `compact` given an older one stores nothing and rejects with
 *   `TABLE_NOT_FOUND`, in the same transaction as the write (test/server/store-generation-contract.ts).
 */
export interface Store {
  /** Reads a table's newest snapshot and the log entries after it (with `afterSeq`, only what followed it). */
  load(table: string, options?: LoadOptions): Promise<StoredTable>
  /**
   * Appends updates to a table's log in one transaction; resolves to the sequence number of the last one.
   * @throws TABLE_NOT_FOUND when `options.generation` is given and the table was deleted since (S210)
   */
  append(table: string, updates: readonly NewUpdate[], options?: AppendOptions): Promise<number>
  /**
   * Stores `snapshot`, which must contain every update up to `seq`, as a snapshot at `seq`
   * (replacing one stored at that `seq`). Keeps every log entry. The bytes are opaque to the
   * store: the server hands it v2 snapshots behind a tag (docs/formats.md, S205), and every
   * read returns exactly the bytes given.
   */
  compact(table: string, snapshot: Uint8Array, seq: number, options?: CompactOptions): Promise<void>
  /** The table's snapshots, oldest first (sizes and times, not their bytes). */
  snapshots(table: string): Promise<SnapshotInfo[]>
  /** The bytes of the snapshot at `seq` (apply them with `applySnapshot`); undefined when there is none. */
  readSnapshot(table: string, seq: number): Promise<Uint8Array | undefined>
  /**
   * Up to `limit` (a whole number >= 0) log entries with a sequence number above `afterSeq`,
   * oldest first; entries trimmed away are not returned.
   */
  readLog(table: string, afterSeq: number, limit: number): Promise<LoggedUpdate[]>
  /**
   * Forgets history before the snapshot at `seq`: drops log entries up to `seq` and older
   * snapshots. Resolves to false (and drops nothing) when there is no snapshot at `seq`.
   */
  trim(table: string, seq: number): Promise<boolean>
  /** Names of every table that has a snapshot or updates, sorted. */
  list(): Promise<string[]>
  /**
   * Deletes a table's snapshots and log. Resolves to false when it held nothing. The table is
   * then new: its next `append` is numbered 1, and its `generation` is one more (S210); shared
   * stores keep `options.deletedState` with it (S235).
   */
  delete(table: string, options?: DeleteOptions): Promise<boolean>
  /** Releases the store; later calls reject with `CLOSED`. Idempotent. */
  close(): Promise<void>
}

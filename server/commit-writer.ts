// Writes a group commit's batches to the store: one dated log entry per run of one author
// (docs/history.md), counted in the log and the metrics, then broadcast; and compacts the log
// when due, keeping history. Knows the store and the doc, not peers or sockets.
import * as Y from 'yjs'
import type { NewUpdate, Store, TesseraError } from '../src/index.js'
import { encodeSnapshot } from '../src/internal.js'
import type { Metrics } from './metrics.js'
import type { AuditRecord } from './ports/audit-log.js'
import { compactWithHistory, logEntriesOf, type AuthoredUpdate } from './room-history.js'

/** Called once everything applied before the call is durable; with the error when it is not. */
export type DurableCallback = (error?: TesseraError) => void

/** The updates of one commit that go out: merged, and whom they came from. */
export interface CommittedBatch {
  readonly origins: ReadonlySet<unknown>
  /** The server corrected the batch: its origins lack the correction, so they get it too. */
  readonly isEchoed: boolean
}

/** The size of the log since the last compaction, and whether the table ever held anything. */
export interface CommitLog {
  count: number
  bytes: number
  isEmpty: boolean
  /** The time of the newest log entry (new entries are never dated earlier). */
  atMs: number
  /** The sequence number of the newest log entry. */
  seq: number
}

export interface CommitContext {
  store: Store
  metrics: Metrics
  compactAfterUpdates: number
  compactAfterBytes: number
  /** Keep history this long (ms); 0 keeps none (docs/history.md). */
  historyRetentionMs: number
}

/** What a group commit tells its room. */
export interface CommitHooks {
  broadcast(update: Uint8Array, batch: CommittedBatch): void
  onBroken(error: TesseraError): void
  /** A batch was committed as the log entries numbered up to `seq` (the kept ones included). */
  committed?(seq: number, entries: readonly NewUpdate[]): void
  /**
   * With other nodes (server/cluster): the sequence number up to which the doc holds every
   * update, which a snapshot encoded now may claim (S92). Default: this room's last commit.
   */
  heldUpTo?(): number | undefined
  /** The log was compacted up to `seq`. */
  compacted?(seq: number): void
}

/**
 * S245: what writes the audit records of a batch's updates: inside the store's transaction of
 * those updates when the store and the log share a database (SQLite), else once they are durable.
 */
export interface RecordsWriter {
  /** Writes records inside a write step of the store's database; undefined when it cannot. */
  readonly writeInStep: ((records: readonly AuditRecord[]) => void) | undefined
  /** Records them on their own; never throws (a failure is reported, the updates stay). */
  recordLater(records: readonly AuditRecord[]): void
}

/** The updates of one turn of the event loop, and who waits for them to be durable. */
export interface Batch extends CommittedBatch {
  updates: AuthoredUpdate[]
  /** The audit records of the batch's updates (S245), and what writes them. */
  records: AuditRecord[]
  recordsWriter: RecordsWriter | undefined
  /** Updates Yjs keeps pending: stored, never broadcast. */
  kept: Uint8Array[]
  origins: Set<unknown>
  isEchoed: boolean
  callbacks: DurableCallback[]
}

/** An empty batch. */
export const newBatch = (): Batch => ({
  updates: [],
  kept: [],
  records: [],
  recordsWriter: undefined,
  origins: new Set(),
  isEchoed: false,
  callbacks: [],
})

/** A batch's update to broadcast (none when it only kept pending ones). */
const broadcastUpdate = (batch: Batch): Uint8Array | undefined => {
  const updates = batch.updates.map((applied) => applied.update)
  if (updates.length === 0) return undefined
  return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)
}

/**
 * Appends a batch's entries; S245: its audit records are written in the append's transaction
 * when the store runs `inTransaction` (SQLite), else once the append resolved (durable).
 */
async function appendWithRecords(
  store: Store,
  name: string,
  entries: readonly NewUpdate[],
  batch: Batch,
): Promise<number> {
  const { records, recordsWriter: writer } = batch
  const inStep = records.length === 0 ? undefined : writer?.writeInStep
  if (inStep === undefined) {
    const seq = await store.append(name, entries)
    if (records.length > 0) writer?.recordLater(records)
    return seq
  }
  let isWritten = false
  const seq = await store.append(name, entries, {
    inTransaction: () => {
      inStep(records)
      isWritten = true
    },
  })
  // A store that cannot write in its transaction ignores it: the records follow the updates.
  if (!isWritten) writer!.recordLater(records)
  return seq
}

/** A state encoded for a snapshot, and the sequence number it holds every update up to. */
export interface PendingState {
  state: Uint8Array
  upTo: number
}

/** The store side of one table's group commit. */
export interface CommitWriter {
  /** Appends a batch and broadcasts it; resolves to the snapshot to compact to, when due. */
  append(batch: Batch): Promise<PendingState | undefined>
  /** Compacts the log to `state`, the state at entry `upTo`, keeping history. */
  compact(state: Uint8Array, upTo: number): Promise<void>
}

/** The writer of table `name`'s batches, applied to `doc`, into `context.store`. */
export function createCommitWriter(
  name: string,
  doc: Y.Doc,
  context: CommitContext,
  log: CommitLog,
  hooks: CommitHooks,
): CommitWriter {
  const { store, metrics } = context
  const isCompactionDue = (): boolean =>
    log.count >= context.compactAfterUpdates || log.bytes >= context.compactAfterBytes
  return {
    // encodeSnapshot (update format v2, S205) includes what Yjs keeps pending (structs and
    // deletions waiting for their dependencies), so a snapshot taken meanwhile loses nothing
    // (test/server/incomplete).
    // It is encoded while nothing is applied beyond entry `upTo`: it is the state at that entry.
    // With other nodes `upTo` is what the doc held when it was encoded (S92), which may be less.
    async compact(state, upTo) {
      await compactWithHistory(
        store,
        name,
        { state, seq: upTo, atMs: log.atMs },
        {
          logBytesSinceNewest: log.bytes,
          retentionMs: context.historyRetentionMs,
          nowMs: Date.now(),
        },
      )
      hooks.compacted?.(upTo)
      log.count = 0
      log.bytes = 0
      metrics.compactions.inc()
    },
    async append(batch) {
      // Times never decrease within a table, so a time names a prefix of its log (S101).
      log.atMs = Math.max(Date.now(), log.atMs)
      const entries = logEntriesOf(batch.updates, batch.kept, log.atMs)
      const bytes = entries.reduce((sum, entry) => sum + entry.update.byteLength, 0)
      log.count += entries.length
      log.bytes += bytes
      const state = isCompactionDue() ? encodeSnapshot(doc) : undefined
      const held = state === undefined ? undefined : hooks.heldUpTo?.()
      const stopTimer = metrics.persistSeconds.startTimer()
      const seq = await appendWithRecords(store, name, entries, batch)
      log.seq = seq
      stopTimer()
      hooks.committed?.(seq, entries)
      metrics.updatesPersisted.inc(batch.updates.length + batch.kept.length)
      metrics.bytesPersisted.inc(bytes)
      log.isEmpty = false
      // One author's run is already merged as the log entry: not merged a second time.
      const update =
        batch.kept.length === 0 && entries.length === 1
          ? entries[0]!.update
          : broadcastUpdate(batch)
      if (update !== undefined) hooks.broadcast(update, batch)
      return state === undefined ? undefined : { state, upTo: held ?? seq }
    },
  }
}

// A room's group commit: the updates applied in one turn of the event loop are appended to the
// store together (one log entry per run of one author, dated, docs/history.md), then broadcast;
// callbacks wait for durability; the log is compacted when due, keeping history.
// Knows the store and the doc, not peers or sockets (docs/protocol.md §7).
import * as Y from 'yjs'
import { TesseraError, type NewUpdate, type Store } from '../src/index.js'
import { reclaimDeadOverrides, tableMaps } from '../src/internal.js'
import type { Metrics } from './metrics.js'
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

export interface GroupCommit {
  /** Joins an update applied to the doc to the open batch, written by `author`. */
  add(update: Uint8Array, origin: unknown, author: string | null): void
  /** Stores an update Yjs keeps pending with the open batch; it is never broadcast. */
  keep(update: Uint8Array): void
  /** Marks the open batch as corrected: it goes back to its origins too. */
  echoToOrigins(): void
  /** True when updates were added that no commit has started on yet. */
  hasUncommitted(): boolean
  afterDurable(callback: DurableCallback): void
  /** Commits what is open, then compacts a non-empty log. */
  close(): Promise<void>
}

interface Batch extends CommittedBatch {
  updates: AuthoredUpdate[]
  /** Updates Yjs keeps pending: stored, never broadcast. */
  kept: Uint8Array[]
  origins: Set<unknown>
  isEchoed: boolean
  callbacks: DurableCallback[]
}

/** The origin of the server's own deletions of dead overrides (S129). */
const reclaiming = Symbol('tessera.reclaiming')

const newBatch = (): Batch => ({
  updates: [],
  kept: [],
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

/** A state encoded for a snapshot, and the sequence number it holds every update up to. */
interface PendingState {
  state: Uint8Array
  upTo: number
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
 * Creates the group commit of table `name` over `doc`. `broadcast` gets each committed batch's
 * merged update (never the kept ones); `onBroken` the first storage failure, after which every
 * callback gets that error.
 */
export function createGroupCommit(
  name: string,
  doc: Y.Doc,
  context: CommitContext,
  log: CommitLog,
  hooks: CommitHooks,
): GroupCommit {
  const { store, metrics } = context
  let open = newBatch()
  let inFlight: Batch | undefined
  let isScheduled = false
  let broken: TesseraError | undefined
  let { seq } = log

  const hasOpen = (): boolean => open.updates.length > 0 || open.kept.length > 0
  const schedule = (): void => {
    if (isScheduled || inFlight !== undefined) return
    isScheduled = true
    // setImmediate runs after the I/O poll phase, so every message read in that phase
    // (from every connection) joins one group commit.
    setImmediate(() => {
      isScheduled = false
      void flush()
    })
  }

  const isCompactionDue = (): boolean =>
    log.count >= context.compactAfterUpdates || log.bytes >= context.compactAfterBytes
  // Y.encodeStateAsUpdate includes what Yjs keeps pending (structs and deletions waiting for
  // their dependencies), so a snapshot taken meanwhile loses nothing (test/server/incomplete).
  // It is encoded while nothing is applied beyond entry `upTo`: it is the state at that entry.
  // With other nodes `upTo` is what the doc held when it was encoded (S92), which may be less.
  const compact = async (state: Uint8Array, upTo: number, atMs: number): Promise<void> => {
    await compactWithHistory(
      store,
      name,
      { state, seq: upTo, atMs },
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
  }

  /** Appends a batch; resolves to the snapshot to compact to, when compaction is due. */
  const append = async (batch: Batch): Promise<PendingState | undefined> => {
    // Times never decrease within a table, so a time names a prefix of its log (S101).
    log.atMs = Math.max(Date.now(), log.atMs)
    const entries = logEntriesOf(batch.updates, batch.kept, log.atMs)
    const bytes = entries.reduce((sum, entry) => sum + entry.update.byteLength, 0)
    log.count += entries.length
    log.bytes += bytes
    const state = isCompactionDue() ? Y.encodeStateAsUpdate(doc) : undefined
    const held = state === undefined ? undefined : hooks.heldUpTo?.()
    const stopTimer = metrics.persistSeconds.startTimer()
    seq = await store.append(name, entries)
    log.seq = seq
    stopTimer()
    hooks.committed?.(seq, entries)
    metrics.updatesPersisted.inc(batch.updates.length + batch.kept.length)
    metrics.bytesPersisted.inc(bytes)
    log.isEmpty = false
    // One author's run is already merged as the log entry: not merged a second time.
    const update =
      batch.kept.length === 0 && entries.length === 1 ? entries[0]!.update : broadcastUpdate(batch)
    if (update !== undefined) hooks.broadcast(update, batch)
    return state === undefined ? undefined : { state, upTo: held ?? seq }
  }

  const flush = async (): Promise<void> => {
    const batch = open
    open = newBatch()
    inFlight = batch
    try {
      const pending =
        batch.updates.length > 0 || batch.kept.length > 0 ? await append(batch) : undefined
      if (pending !== undefined) {
        await compact(pending.state, pending.upTo, log.atMs)
        // S129: dead overrides are deleted right after the snapshot, as the next log entry
        // (stored and broadcast by the next flush like any update; the snapshot stays the
        // state at its entry, S101).
        reclaimDeadOverrides(tableMaps(doc), reclaiming)
      }
      // Callbacks may join while the commit or the compaction is awaited, or while they run.
      for (let callback = batch.callbacks.shift(); callback; callback = batch.callbacks.shift()) {
        callback()
      }
    } catch (error) {
      fail(error, batch)
    } finally {
      inFlight = undefined
    }
    if (broken === undefined && (hasOpen() || open.callbacks.length > 0)) schedule()
  }

  const fail = (error: unknown, batch: Batch): void => {
    broken =
      error instanceof TesseraError
        ? error
        : new TesseraError('STORAGE_FAILURE', `table "${name}": ${String(error)}`, { cause: error })
    metrics.error('STORAGE_FAILURE')
    for (const callback of [...batch.callbacks, ...open.callbacks]) callback(broken)
    open = newBatch()
    hooks.onBroken(broken)
  }

  const commit: GroupCommit = {
    add(update, origin, author) {
      log.isEmpty = false
      open.updates.push({ update, author })
      open.origins.add(origin)
      schedule()
    },
    keep(update) {
      log.isEmpty = false
      open.kept.push(update)
      schedule()
    },
    echoToOrigins() {
      open.isEchoed = true
    },
    hasUncommitted: hasOpen,
    afterDurable(callback) {
      if (broken !== undefined) callback(broken)
      else if (hasOpen()) open.callbacks.push(callback)
      else if (inFlight !== undefined) inFlight.callbacks.push(callback)
      else callback()
    },
    async close() {
      await new Promise<void>((resolve, reject) => {
        commit.afterDurable((error) => {
          if (error === undefined) resolve()
          else reject(error)
        })
      })
      if (log.count > 0) {
        await compact(Y.encodeStateAsUpdate(doc), hooks.heldUpTo?.() ?? seq, log.atMs)
      }
    },
  }
  return commit
}

// A room's group commit: the updates applied in one turn of the event loop are appended to the
// store together, then broadcast; callbacks wait for durability; the log is compacted when due.
// Knows the store and the doc, not peers or sockets (docs/protocol.md §7).
import * as Y from 'yjs'
import { TesseraError, type Store } from '../src/index.js'
import type { Metrics } from './metrics.js'

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
}

export interface CommitContext {
  store: Store
  metrics: Metrics
  compactAfterUpdates: number
  compactAfterBytes: number
}

export interface GroupCommit {
  /** Joins an update applied to the doc to the open batch. */
  add(update: Uint8Array, origin: unknown): void
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
  updates: Uint8Array[]
  /** Updates Yjs keeps pending: stored, never broadcast. */
  kept: Uint8Array[]
  origins: Set<unknown>
  isEchoed: boolean
  callbacks: DurableCallback[]
}

const newBatch = (): Batch => ({
  updates: [],
  kept: [],
  origins: new Set(),
  isEchoed: false,
  callbacks: [],
})

const mergeAll = (updates: Uint8Array[]): Uint8Array =>
  updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)

/** A batch's update to broadcast (none when it only kept pending ones) and the one to store. */
const mergeBatch = (batch: Batch): { update: Uint8Array | undefined; stored: Uint8Array } => {
  const update = batch.updates.length > 0 ? mergeAll(batch.updates) : undefined
  const stored = batch.kept.length === 0 ? update! : mergeAll([...batch.updates, ...batch.kept])
  return { update, stored }
}

/** What a group commit tells its room. */
export interface CommitHooks {
  broadcast(update: Uint8Array, batch: CommittedBatch): void
  onBroken(error: TesseraError): void
  /** A batch was committed as `seq`: `stored` holds its updates, the kept ones included. */
  committed?(seq: number, stored: Uint8Array): void
  /**
   * With other nodes (server/cluster): the sequence number up to which the doc holds every
   * update, which a compaction may claim (S92). Default: this room's last commit.
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
  let seq = 0

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

  // Y.encodeStateAsUpdate includes what Yjs keeps pending (structs and deletions waiting for
  // their dependencies), so a snapshot taken meanwhile loses nothing (test/server/incomplete).
  const compact = async (): Promise<void> => {
    const upTo = hooks.heldUpTo?.() ?? seq
    await store.compact(name, Y.encodeStateAsUpdate(doc), upTo)
    hooks.compacted?.(upTo)
    log.count = 0
    log.bytes = 0
    metrics.compactions.inc()
  }

  const append = async (batch: Batch): Promise<void> => {
    const { update, stored } = mergeBatch(batch)
    const stopTimer = metrics.persistSeconds.startTimer()
    seq = await store.append(name, [stored])
    stopTimer()
    hooks.committed?.(seq, stored)
    metrics.updatesPersisted.inc(batch.updates.length + batch.kept.length)
    metrics.bytesPersisted.inc(stored.byteLength)
    log.count++
    log.bytes += stored.byteLength
    log.isEmpty = false
    if (update !== undefined) hooks.broadcast(update, batch)
  }

  const flush = async (): Promise<void> => {
    const batch = open
    open = newBatch()
    inFlight = batch
    try {
      if (batch.updates.length > 0 || batch.kept.length > 0) await append(batch)
      if (log.count >= context.compactAfterUpdates || log.bytes >= context.compactAfterBytes) {
        await compact()
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
    add(update, origin) {
      log.isEmpty = false
      open.updates.push(update)
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
      if (log.count > 0) await compact()
    },
  }
  return commit
}

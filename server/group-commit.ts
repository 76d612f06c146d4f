// A room's group commit: the updates applied in one turn of the event loop are committed together
// (commit-writer.ts stores, broadcasts and compacts them); callbacks wait for durability, and
// the first storage failure breaks the commit. Knows the doc, not peers or sockets (§7).
import type * as Y from 'yjs'
import { TesseraError } from '../src/index.js'
import {
  createValuesReclaim,
  encodeSnapshot,
  reclaimDeadOverrides,
  tableMaps,
} from '../src/internal.js'
import {
  createCommitWriter,
  newBatch,
  type Batch,
  type CommitContext,
  type CommitHooks,
  type CommitLog,
  type DurableCallback,
  type RecordsWriter,
} from './commit-writer.js'
import type { AuditRecord } from './ports/audit-log.js'

export type {
  CommitContext,
  CommitHooks,
  CommitLog,
  CommittedBatch,
  DurableCallback,
  RecordsWriter,
} from './commit-writer.js'

export interface GroupCommit {
  /** Joins an update applied to the doc to the open batch, written by `author`. */
  add(update: Uint8Array, origin: unknown, author: string | null): void
  /** Stores an update Yjs keeps pending with the open batch; it is never broadcast. */
  keep(update: Uint8Array): void
  /**
   * S245: the audit records of an update just added: written by `writer` with the open batch,
   * in the store's transaction of its updates when `writer` can.
   */
  record(records: readonly AuditRecord[], writer: RecordsWriter): void
  /** Marks the open batch as corrected: it goes back to its origins too. */
  echoToOrigins(): void
  /** True when updates were added that no commit has started on yet. */
  hasUncommitted(): boolean
  afterDurable(callback: DurableCallback): void
  /** Resolves once every update added so far is durable; rejects with STORAGE_FAILURE. */
  flushed(): Promise<void>
  /** Commits what is open, then compacts a non-empty log. */
  close(): Promise<void>
}

/** The origin of the server's own deletions of dead overrides (S129). */
const reclaiming = Symbol('tessera.reclaiming')

/** `error`, a TesseraError already or wrapped as STORAGE_FAILURE of table `name`. */
const asStorageFailure = (name: string, error: unknown): TesseraError =>
  error instanceof TesseraError
    ? error
    : new TesseraError('STORAGE_FAILURE', `table "${name}": ${String(error)}`, { cause: error })

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
  const { metrics } = context
  let open = newBatch()
  let inFlight: Batch | undefined
  let isScheduled = false
  let broken: TesseraError | undefined

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

  const writer = createCommitWriter(name, doc, context, log, hooks)
  // S291: format 3's dead first values, one bounded piece after each compaction.
  const valuesReclaim = createValuesReclaim(doc)

  const flush = async (): Promise<void> => {
    const batch = open
    open = newBatch()
    inFlight = batch
    try {
      const pending =
        batch.updates.length > 0 || batch.kept.length > 0 ? await writer.append(batch) : undefined
      if (pending !== undefined) {
        await writer.compact(pending.state, pending.upTo)
        // S129: dead overrides are deleted right after the snapshot, as the next log entry
        // (stored and broadcast by the next flush like any update; the snapshot stays the
        // state at its entry, S101).
        reclaimDeadOverrides(tableMaps(doc), reclaiming)
        valuesReclaim.step(reclaiming)
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
    broken = asStorageFailure(name, error)
    // TABLE_NOT_FOUND: the table was deleted on another node meanwhile (S210), not a fault.
    metrics.error(broken.code)
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
    record(records, writer) {
      open.recordsWriter = writer
      for (const record of records) open.records.push(record)
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
    flushed: () =>
      new Promise<void>((resolve, reject) => {
        commit.afterDurable((error) => {
          if (error === undefined) resolve()
          else reject(error)
        })
      }),
    async close() {
      await commit.flushed()
      if (log.count > 0) {
        await writer.compact(encodeSnapshot(doc), hooks.heldUpTo?.() ?? log.seq)
      }
    },
  }
  return commit
}

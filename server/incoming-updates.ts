// One session's incoming updates and saved requests: checked at the door, applied with the
// server-side checks (S80–S87), corrected writers told, updates that wait for missing changes
// kept (docs/protocol.md §3, S34), and each saved(n) answered once what it covers is durable.
import * as Y from 'yjs'
import type { TesseraError } from '../src/index.js'
import {
  applyChecked,
  type AppliedUpdate,
  canWriteAnything,
  canWriteEverything,
  encodeMessage,
  encodeSyncStep1,
  type TablePermissions,
} from '../src/internal.js'
import type { ConnectionGuard } from './access/connection-guard.js'
import { refuseDeletedItems } from './deleted-tables.js'
import {
  canIntegrate,
  createIncompleteTracker,
  dropIfOverflowing,
  isIntegrated,
  needsOf,
  pendingStateOf,
  restorePendingState,
  type IncompleteTracker,
  type PendingState,
} from './incomplete.js'
import type { Metrics } from './metrics.js'
import type { Peer, Room } from './room.js'
import { checkUpdate, type UpdateBudget, type UpdateShape } from './update-check.js'

/** Most correction notices sent for one update (the rest are only counted). */
const maxNoticesPerUpdate = 10

/** Whether Yjs keeps structs or deletions of `doc` pending (they wait for missing changes). */
const hasPending = (doc: Y.Doc): boolean =>
  doc.store.pendingStructs !== null || doc.store.pendingDs !== null

/**
 * S225: whether `transaction` changed exactly what the update of `shape` holds: nothing
 * corrected or left pending, and every struct of it new here (each client's structs start at
 * the clock the doc had and end where it has now), so the update's bytes are the change. Its
 * deletions may include some the doc had made already (a concurrent delete): replaying them
 * changes nothing.
 */
function isExactly(transaction: Y.Transaction, shape: UpdateShape, result: AppliedUpdate): boolean {
  if (result.isCorrected || result.isIncomplete) return false
  // An update that changed nothing is not stored at all.
  if (shape.structs === 0 && transaction.deleteSet.clients.size === 0) return false
  const { store } = transaction.doc
  for (const [client, range] of shape.clients) {
    if (range.skipsTo !== 0 || (transaction.beforeState.get(client) ?? 0) !== range.from)
      return false
    if (Y.getState(store, client) !== range.to) return false
  }
  return true
}

/**
 * Applies a checked update to the room's doc as `peer` (S80–S87); S225: the room stores it as
 * received when it changed exactly what it holds. A sync answer may carry what the server has,
 * and what was pending before it may complete with it: those are stored as Yjs encodes them.
 */
function applyToRoom(
  room: Room,
  peer: Peer,
  permissions: TablePermissions,
  received: { update: Uint8Array; shape: UpdateShape; isSyncReply: boolean },
): AppliedUpdate {
  const { update, shape } = received
  const mayStoreAsReceived = !received.isSyncReply && !hasPending(room.doc)
  return applyChecked(room.doc, update, peer, permissions, {
    tableName: room.name,
    onChecked: mayStoreAsReceived
      ? (transaction, result) => {
          if (isExactly(transaction, shape, result)) room.asReceived(transaction, update)
        }
      : undefined,
  })
}

/**
 * S270: the answers to one connection's saved requests. `saved(n)` answers every earlier request
 * too, so the requests one commit makes durable get one answer, the last, sent once that
 * commit's callbacks have all run; a failure is answered per request, after any `saved` due.
 */
function savedAnswers(peer: Peer): { durable(requestId: number, error?: TesseraError): void } {
  let durableUpTo: number | undefined
  const sendSaved = (): void => {
    if (durableUpTo === undefined) return
    const requestId = durableUpTo
    durableUpTo = undefined
    peer.send(encodeMessage({ type: 'saved', requestId }))
  }
  return {
    durable(requestId, error) {
      if (error === undefined) {
        if (durableUpTo === undefined) queueMicrotask(sendSaved)
        durableUpTo = Math.max(durableUpTo ?? 0, requestId)
        return
      }
      sendSaved()
      const { code, message } = error
      peer.send(encodeMessage({ type: 'not-saved', requestId, code, message }))
    },
  }
}

/** What the updates of one session may do, and where they go. */
export interface UpdateRights {
  /**
   * What the connection may do now (it may change while it is open, S76): without a write
   * right its updates are refused with a FORBIDDEN notice (S50); a writer's go through S80–S87.
   */
  readonly permissions: TablePermissions
  readonly guard?: ConnectionGuard | undefined
}

/** The update intake of one session. */
export interface IncomingUpdates {
  /**
   * Checks and applies one update (`isSyncReply`: it answers our sync step 1).
   * @throws PROTOCOL_ERROR or MESSAGE_TOO_LARGE for an update that does not fit its budget;
   *   INCOMPLETE_UPDATE when it takes the table over the waiting content it may hold
   */
  receive(update: Uint8Array, isSyncReply: boolean): void
  /** Answers saved(requestId) once every update received before it is applied and durable. */
  requestSaved(requestId: number): void
  /** The session ended. */
  dispose(): void
}

/** Creates the intake of `peer`'s updates to `room`. */
export function createIncomingUpdates(
  room: Room,
  peer: Peer,
  rights: UpdateRights,
  context: { metrics: Metrics; budget: UpdateBudget },
): IncomingUpdates {
  const { metrics } = context
  // This connection's updates that Yjs keeps pending, and the saved requests waiting for them.
  let incomplete: IncompleteTracker | undefined
  // S34: the saved requests held until a partial-rights writer's next sync step 2 re-sends the
  // waiting part dropped from its update (`drops` counts those drops).
  let resend: (() => void)[] | undefined
  let drops = 0

  const answers = savedAnswers(peer)

  const notify = (code: string, message: string): void => {
    peer.send(encodeMessage({ type: 'error', code, message }))
  }

  const apply = (update: Uint8Array, isSyncReply: boolean): void => {
    // The update is walked within its budget before Yjs decodes it (yjs/yjs#479).
    const shape = checkUpdate(update, context.budget)
    if (shape.structs === 0 && shape.deleteRanges === 0) return
    refuseDeletedItems(room, update)
    metrics.updatesReceived.inc()
    const { permissions } = rights
    if (!canWriteAnything(permissions)) {
      metrics.error('FORBIDDEN')
      notify('FORBIDDEN', `table "${room.name}" is read-only for you`)
      return
    }
    const isPartial = !canWriteEverything(permissions)
    // S34: a partial-rights writer's update is applied whole or not at all.
    if (isPartial && !canIntegrate(room.doc, shape)) {
      askAgain()
      return
    }
    // S80–S87: what the schema or the permissions do not allow is undone in the same
    // transaction; the writer needs the correction too, so the batch is echoed to it.
    const before = isPartial ? pendingStateOf(room.doc) : undefined
    const applied = applyToRoom(room, peer, permissions, { update, shape, isSyncReply })
    rights.guard?.onApplied(room, applied)
    if (applied.isIncomplete) keepIncomplete(update, before)
    if (applied.isCorrected) room.echoToOrigins()
    applied.violations.forEach((violation, index) => {
      metrics.error(violation.code)
      if (index < maxNoticesPerUpdate) notify(violation.code, violation.message)
    })
  }

  /**
   * The update (or part of it) waits for changes the server never received: it is stored, its
   * saved requests wait, and the writer is asked for what is missing (docs/protocol.md §3).
   */
  const keepIncomplete = (update: Uint8Array, before?: PendingState): void => {
    const overflow = dropIfOverflowing(room.doc)
    if (overflow !== undefined) throw overflow
    const needs = needsOf(update)
    // Another connection's pending content makes every update look incomplete.
    if (isIntegrated(room.doc, needs)) return
    if (before !== undefined) {
      // S34: waiting content is checked under the rights of whoever completes it; a writer with
      // partial rights could get past its rules, so its waiting part is dropped and asked again.
      restorePendingState(room.doc, before)
      askAgain()
      return
    }
    metrics.error('INCOMPLETE_UPDATE')
    room.keep(update)
    incomplete ??= createIncompleteTracker(room.doc)
    if (incomplete.add(needs)) peer.send(encodeSyncStep1(room.doc))
  }

  /** S34: drops what a partial-rights writer sent that would wait, and asks for it again. */
  const askAgain = (): void => {
    metrics.error('INCOMPLETE_UPDATE')
    drops++
    if (resend === undefined) peer.send(encodeSyncStep1(room.doc))
    resend ??= []
  }

  return {
    receive(update, isSyncReply) {
      const dropped = drops
      apply(update, isSyncReply)
      // The reply to our sync step 1 carries everything the writer has that the server lacks.
      if (isSyncReply && resend !== undefined && drops === dropped) {
        const awaited = resend
        resend = undefined
        for (const acknowledge of awaited) acknowledge()
      }
    },
    requestSaved(requestId) {
      if (incomplete?.isWaiting === true || resend !== undefined) {
        const message = `updates sent before saved(${requestId}) depend on changes the server never received; they are kept and acknowledged once those arrive: answer sync step 1 with them`
        peer.send(
          encodeMessage({ type: 'not-saved', requestId, code: 'INCOMPLETE_UPDATE', message }),
        )
      }
      const acknowledge = (): void => {
        room.afterDurable((error) => {
          answers.durable(requestId, error)
        })
      }
      if (resend !== undefined) resend.push(acknowledge)
      else if (incomplete === undefined) acknowledge()
      else incomplete.defer(acknowledge)
    },
    dispose() {
      incomplete?.dispose()
    },
  }
}

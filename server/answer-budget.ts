// What one connection's sync requests may make the server send (docs/operations.md, "Limits";
// docs/semantics.md S88): at most one answer per connection is pending, so requests that arrive
// meanwhile merge into it, and an answer waits while the connection's earlier answers exceed
// its byte budget. The budget itself knows nothing about rooms or sockets (answersFor binds it).
import type { TesseraError } from '../src/index.js'
import type { Room } from './room.js'

/** The budget options (docs/operations.md, "Limits"). */
export interface AnswerBudgetOptions {
  /** Bytes of sync answers one connection gets per second, on average. */
  syncAnswerBytesPerSecond: number
  /** Bytes of answers a connection may get at once before the next one waits. */
  syncAnswerBurstBytes: number
}

/** A state vector: per Yjs client, the clock the requester has reached. */
export type StateVector = Map<number, number>

/** How a connection's answers are produced and timed (injected: tests pass a fake clock). */
export interface AnswerHooks {
  /** Runs `callback` once everything applied so far is committed (the answer may include it). */
  whenCommitted(callback: () => void): void
  /** Encodes and sends the answer for `stateVector`; returns the bytes sent. */
  send(stateVector: StateVector): number
  /** Counts a request that was merged into a pending answer or had to wait for the budget. */
  onDelayed(): void
  now?: () => number
  /** Runs `callback` after `ms`; returns the function that cancels it. */
  schedule?: (callback: () => void, ms: number) => () => void
}

/** The sync answers of one connection. */
export interface SyncAnswers {
  /** Answers a sync step 1 carrying `stateVector`, merged into the pending answer if there is one. */
  request(stateVector: StateVector): void
  /** True while an answer is pending: broadcasts skip the connection, the answer carries them. */
  readonly isPending: boolean
  /** Drops the pending answer (the connection closed). */
  dispose(): void
}

/** What both state vectors have: the answer to both requests is the answer to this one. */
function lowest(a: StateVector, b: StateVector): StateVector {
  const merged: StateVector = new Map()
  for (const [client, clock] of a) {
    const other = b.get(client)
    if (other !== undefined) merged.set(client, Math.min(clock, other))
  }
  return merged
}

const defaultSchedule = (callback: () => void, ms: number): (() => void) => {
  // setImmediate when there is nothing to wait for: acknowledgements that became due in the
  // same commit go out before this connection's (possibly large) answer is encoded.
  if (ms <= 0) {
    const immediate = setImmediate(callback)
    return () => {
      clearImmediate(immediate)
    }
  }
  const timer = setTimeout(callback, ms)
  return () => {
    clearTimeout(timer)
  }
}

/**
 * Creates the sync answers of one connection. The budget starts full; an answer is sent when
 * the budget is not below zero, whatever its size (so the first answer always goes at once),
 * and its bytes are taken from the budget, which refills at `syncAnswerBytesPerSecond` up to
 * `syncAnswerBurstBytes`.
 */
export function createSyncAnswers(options: AnswerBudgetOptions, hooks: AnswerHooks): SyncAnswers {
  const now = hooks.now ?? Date.now
  const schedule = hooks.schedule ?? defaultSchedule
  const rate = options.syncAnswerBytesPerSecond
  let tokens = options.syncAnswerBurstBytes
  let refilledAt = now()
  let pending: StateVector | undefined
  let cancel: (() => void) | undefined
  let isDisposed = false

  const refill = (): void => {
    const time = now()
    tokens = Math.min(options.syncAnswerBurstBytes, tokens + ((time - refilledAt) / 1000) * rate)
    refilledAt = time
  }

  const answerWhenAllowed = (): void => {
    cancel = undefined
    if (isDisposed || pending === undefined) return
    refill()
    if (tokens < 0) {
      cancel = schedule(answerWhenAllowed, Math.ceil((-tokens / rate) * 1000))
      return
    }
    hooks.whenCommitted(() => {
      if (isDisposed || pending === undefined) return
      const stateVector = pending
      pending = undefined
      tokens -= hooks.send(stateVector)
    })
  }

  return {
    request(stateVector) {
      if (isDisposed) return
      if (pending !== undefined) {
        pending = lowest(pending, stateVector)
        hooks.onDelayed()
        return
      }
      pending = stateVector
      refill()
      if (tokens < 0) hooks.onDelayed()
      cancel = schedule(answerWhenAllowed, 0)
    },
    get isPending() {
      return pending !== undefined
    },
    dispose() {
      isDisposed = true
      pending = undefined
      cancel?.()
    },
  }
}

/**
 * The sync answers of a connection to `room`: each answer is `sync step 2` with what the
 * requester lacks (room.syncAnswer, S125), sent once everything it carries is committed
 * (docs/protocol.md §3).
 */
export function answersFor(
  room: Room,
  options: AnswerBudgetOptions,
  connection: { send: (message: Uint8Array) => void; onDelayed: () => void },
): SyncAnswers {
  return createSyncAnswers(options, {
    whenCommitted(callback) {
      const whenDurable = (error?: TesseraError): void => {
        // A room that failed to store closes its connections: nothing to answer.
        if (error !== undefined) return
        if (room.hasUncommitted()) room.afterDurable(whenDurable)
        else callback()
      }
      room.afterDurable(whenDurable)
    },
    send(stateVector) {
      let bytes = 0
      for (const message of room.syncAnswer(stateVector)) {
        connection.send(message)
        bytes += message.byteLength
      }
      return bytes
    },
    onDelayed: connection.onDelayed,
  })
}

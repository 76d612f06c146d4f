// One connection's sync session with one room: the greeting, message dispatch, sync replies
// that wait for durability, presence, permissions and the token's expiry. Sends and closes
// through a link; knows nothing about sockets or transports (docs/protocol.md §7).
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { TesseraError } from '../src/index.js'
import {
  allowEverything,
  CloseCode,
  encodeAwarenessStates,
  encodeMessage,
  encodeSyncStep1,
  type WireMessage,
  type WritePermissions,
} from '../src/internal.js'
import type { ConnectionGuard } from './access/connection-guard.js'
import { tablePermissions } from './access/rules.js'
import { answersFor, type AnswerBudgetOptions } from './answer-budget.js'
import { createIncomingUpdates } from './incoming-updates.js'
import type { Metrics } from './metrics.js'
import type { Peer, Room } from './room.js'
import type { UpdateBudget } from './update-check.js'

/** What a connection serves once access is checked and the room is loaded. */
export interface SessionGrant {
  room: Room
  /** False for a read-only connection: its updates are refused with a FORBIDDEN notice. */
  canWrite: boolean
  /** What a writer may change (docs/semantics.md S80–S87); default: everything. */
  permissions?: WritePermissions
  /** Token expiry, presence stamping and audit (docs/security.md); default: none. */
  guard?: ConnectionGuard
}

/** How a session reaches its connection. */
export interface SessionLink {
  send(message: Uint8Array): void
  close(code: number, reason: string): void
}

/** A sync session: joined to its room from the start until `end`. */
export interface SyncSession {
  /**
   * Handles one message from the client.
   * @throws TesseraError to close the connection with (closeCodeOf its code)
   */
  receive(message: WireMessage): void
  /** The connection closed: leaves the room and stops the timers. Idempotent. */
  end(): void
}

/** Longest delay setTimeout takes (about 24.8 days); longer waits re-arm the timer. */
const maxTimerMs = 2 ** 31 - 1

/** Runs `run` at `atMs` (ms since 1970; never when undefined); returns the cancel function. */
function atTime(atMs: number | undefined, run: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const arm = (): void => {
    if (atMs === undefined) return
    const remainingMs = atMs - Date.now()
    timer =
      remainingMs > maxTimerMs
        ? setTimeout(arm, maxTimerMs)
        : setTimeout(run, Math.max(0, remainingMs))
  }
  arm()
  return () => {
    clearTimeout(timer)
  }
}

/**
 * Joins `grant.room` and greets the client as the y-websocket server does: the server's state
 * vector (sync step 1), then the current awareness states.
 */
export function openSyncSession(
  grant: SessionGrant,
  link: SessionLink,
  context: { metrics: Metrics; budget: UpdateBudget; answerBudget: AnswerBudgetOptions },
): SyncSession {
  const { room, guard } = grant
  const permissions = grant.permissions ?? allowEverything
  let hasEnded = false
  const peer: Peer = {
    awarenessIds: new Set(),
    get isAwaitingSyncReply() {
      return answers.isPending
    },
    send: (message) => {
      link.send(message)
    },
    close: (code, reason) => {
      link.close(code, reason)
    },
  }
  const updates = createIncomingUpdates(
    room,
    peer,
    { canWrite: grant.canWrite, permissions, guard },
    context,
  )

  // S88: sync answers wait until what they carry is committed (persist, then send), merge while
  // one is pending, and are budgeted by the bytes they make the server send; meanwhile
  // broadcasts skip this peer, as the answer carries them.
  const answers = answersFor(room, context.answerBudget, {
    send: (message) => {
      peer.send(message)
    },
    onDelayed: () => {
      context.metrics.syncAnswersDelayed.inc()
    },
  })

  const receivePresence = (received: Uint8Array): void => {
    // S52–S53: presence carries the connection's own identity, never another's.
    const update = guard === undefined ? received : guard.filterPresence(received, room, peer)
    if (update !== undefined) awarenessProtocol.applyAwarenessUpdate(room.awareness, update, peer)
  }

  room.join(peer)
  // S51: a connection lives no longer than its token; the client reconnects with a new one.
  const cancelExpiry = atTime(guard?.expiresAtMs, () => {
    context.metrics.error('UNAUTHORIZED')
    peer.close(CloseCode.Unauthorized, 'the token expired; reconnect with a new token')
  })
  peer.send(encodeSyncStep1(room.doc))
  const states = [...room.awareness.getStates().keys()]
  if (states.length > 0) peer.send(encodeAwarenessStates(room.awareness, states))

  return {
    receive(message) {
      if (hasEnded) return
      switch (message.type) {
        case 'sync-step-1':
          answers.request(Y.decodeStateVector(message.stateVector))
          return
        case 'sync-step-2':
        case 'sync-update':
          updates.receive(message.update, message.type === 'sync-step-2')
          return
        case 'awareness':
          receivePresence(message.update)
          return
        case 'query-awareness':
          peer.send(encodeAwarenessStates(room.awareness, [...room.awareness.getStates().keys()]))
          return
        case 'permissions-request': {
          // S57: a Tessera client asks what it may do; stock y-websocket clients never ask.
          const answer = tablePermissions(grant.canWrite, permissions)
          peer.send(encodeMessage({ type: 'permissions', permissions: answer }))
          return
        }
        case 'saved':
          updates.requestSaved(message.requestId)
          return
        case 'permission-denied':
        case 'not-saved':
        case 'error':
        case 'permissions':
          throw new TesseraError(
            'PROTOCOL_ERROR',
            `a client may not send "${message.type}" messages; send sync (0), awareness (1), 3, 100 or 103`,
          )
      }
    },
    end() {
      if (hasEnded) return
      hasEnded = true
      cancelExpiry()
      answers.dispose()
      updates.dispose()
      room.leave(peer)
    },
  }
}

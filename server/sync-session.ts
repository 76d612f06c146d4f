// One connection's sync session with one room: the greeting, message dispatch, sync replies
// that wait for durability, presence, and permissions that change or end while it is open.
// Sends and closes through a link; knows nothing about sockets or transports (docs/protocol.md §7).
import * as Y from 'yjs'
import { TesseraError } from '../src/index.js'
import {
  allPermissions,
  encodeSyncStep1,
  type TablePermissions,
  type WireMessage,
} from '../src/internal.js'
import type { ConnectionGuard } from './access/connection-guard.js'
import { answersFor, type AnswerBudgetOptions } from './answer-budget.js'
import { createIncomingUpdates } from './incoming-updates.js'
import type { Metrics } from './metrics.js'
import type { Peer, Room } from './room.js'
import { sessionPermissions } from './session-permissions.js'
import { sessionPresence } from './session-presence.js'
import type { UpdateBudget } from './update-check.js'
import { roomWindowsOf } from './windows/room-windows.js'
import {
  defaultWindowOptions,
  openWindowSession,
  type WindowOptions,
  type WindowSession,
} from './windows/window-session.js'

/** What a connection serves once access is checked and the room is loaded. */
export interface SessionGrant {
  room: Room
  /**
   * What the connection may do (docs/semantics.md S50, S80–S87): without a write right its
   * updates are refused with a FORBIDDEN notice. Default: everything.
   */
  permissions?: TablePermissions
  /** Expiry, revocation and rule changes, presence stamping and audit (docs/security.md). */
  guard?: ConnectionGuard
  /**
   * A window connection (`?mode=window`, docs/protocol.md §8): it gets window messages instead
   * of the table's updates, and no sync greeting. Default false.
   */
  isWindowOnly?: boolean
  /** Limits of a window connection; default defaultWindowOptions. */
  windowOptions?: WindowOptions
}

/** How a session reaches its connection. */
export interface SessionLink {
  send(message: Uint8Array): void
  /** Sends presence, dropped while the connection's send buffer fills up (S72). */
  sendPresence(message: Uint8Array): void
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

/** The error for a message that only one kind of connection may send. */
const windowOnly = (what: string): TesseraError =>
  new TesseraError(
    'PROTOCOL_ERROR',
    what.startsWith('window')
      ? `"${what}" needs a window connection: connect with ?mode=window`
      : `a window connection does not sync the whole table; "${what}" is not allowed on it`,
  )

/** The session as its room sees it: a peer that sends and closes through `link`. */
function sessionPeer(
  link: SessionLink,
  guard: ConnectionGuard | undefined,
  isWindowOnly: boolean,
  isAwaitingSyncReply: () => boolean,
): Peer {
  return {
    isWindowOnly,
    awarenessIds: new Set(),
    get isAwaitingSyncReply() {
      return isAwaitingSyncReply()
    },
    author: guard?.author ?? null,
    send: (message) => {
      link.send(message)
    },
    sendPresence: (message) => {
      link.sendPresence(message)
    },
    close: (code, reason) => {
      link.close(code, reason)
    },
  }
}

/** The windows of a window connection (docs/protocol.md §8) on `room`. */
function openWindows(room: Room, peer: Peer, options = defaultWindowOptions): WindowSession {
  return openWindowSession(
    roomWindowsOf(room, options),
    (bytes) => {
      peer.send(bytes)
    },
    options,
  )
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
  const isWindowOnly = grant.isWindowOnly === true
  let hasEnded = false
  const peer = sessionPeer(link, guard, isWindowOnly, () => answers.isPending)
  const permissions = sessionPermissions(grant.permissions ?? allPermissions, peer, context.metrics)
  const rights = {
    get permissions() {
      return permissions.permissions
    },
    guard,
  }
  const updates = createIncomingUpdates(room, peer, rights, context)

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

  const presence = sessionPresence(room, peer, guard)

  room.join(peer)
  const stopWatching = guard?.watch((change) => {
    permissions.change(change)
  })
  const windows = isWindowOnly ? openWindows(room, peer, grant.windowOptions) : undefined
  if (windows === undefined) peer.send(encodeSyncStep1(room.doc))
  presence.sendOthers(false)

  return {
    receive(message) {
      if (hasEnded) return
      switch (message.type) {
        case 'sync-step-1':
          if (windows !== undefined) throw windowOnly('sync step 1')
          answers.request(Y.decodeStateVector(message.stateVector))
          return
        case 'window-open':
        case 'window-move':
        case 'window-close':
          if (windows === undefined) throw windowOnly(message.type)
          windows.receive(message)
          return
        case 'sync-step-2':
        case 'sync-update':
          updates.receive(message.update, message.type === 'sync-step-2')
          return
        case 'awareness':
          presence.receive(message.update)
          return
        case 'query-awareness':
          presence.sendOthers(true)
          return
        case 'permissions-request':
          // S57: a Tessera client asks what it may do; stock y-websocket clients never ask.
          permissions.request()
          return
        case 'saved':
          updates.requestSaved(message.requestId)
          return
        case 'permission-denied':
        case 'not-saved':
        case 'error':
        case 'permissions':
        case 'window-schema':
        case 'window-rows':
        case 'window-diff':
        case 'window-error':
          throw new TesseraError(
            'PROTOCOL_ERROR',
            `a client may not send "${message.type}" messages; send sync (0), awareness (1), 3, 100 or 103`,
          )
      }
    },
    end() {
      if (hasEnded) return
      hasEnded = true
      stopWatching?.()
      windows?.end()
      answers.dispose()
      updates.dispose()
      room.leave(peer)
    },
  }
}

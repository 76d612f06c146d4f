// One WebSocket connection bound to one room: decodes each message, checks it at the door, and
// maps failures to close codes (docs/errors.md). Only this connection is closed on bad input.
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { WebSocket } from 'ws'
import {
  allowEverything,
  applyChecked,
  CloseCode,
  encodeErrorNotice,
  encodeNotSaved,
  encodePermissions,
  encodeSaved,
  MessageType,
  TesseraError,
  type WritePermissions,
} from '../src/index.js'
import type { ConnectionGuard } from './access/connection-guard.js'
import { tablePermissions } from './access/rules.js'
import type { ConnectionLimits } from './limits.js'
import type { Metrics } from './metrics.js'
import { encodeAwareness, type Peer, type Room } from './room.js'
import { closeCodeOf, closeSocket } from './close.js'
import { checkUpdate } from './update-check.js'
import {
  createIncompleteTracker,
  dropIfOverflowing,
  isIntegrated,
  needsOf,
  hasPartialRights,
  pendingStateOf,
  restorePendingState,
  type IncompleteTracker,
  type PendingState,
} from './incomplete.js'

/** What a connection serves once access is checked and the room is loaded. */
export interface Session {
  room: Room
  /** False for a read-only connection: its updates are refused with a FORBIDDEN notice. */
  canWrite: boolean
  /** What a writer may change (docs/semantics.md S32–S33); default: everything. */
  permissions?: WritePermissions
  /** Token expiry, presence stamping and audit (docs/security.md); default: none. */
  guard?: ConnectionGuard
}

/** Longest delay setTimeout takes (about 24.8 days); longer expiries re-arm the timer. */
const maxTimerMs = 2 ** 31 - 1

/** Most correction notices sent for one update (the rest are only counted). */
const maxNoticesPerUpdate = 10

/** What every connection of a server shares. */
export interface ConnectionContext {
  metrics: Metrics
  maxConnectionsPerTable: number
  /** Rates, send buffer and update budget of this connection (server/limits.ts). */
  limits: ConnectionLimits
}

/** How long a slow reader's close frame may wait before its socket is destroyed. */
const slowCloseGraceMs = 1000

const SyncStep1 = 0
const SyncStep2 = 1
const SyncUpdate = 2

/**
 * Serves one socket. Messages that arrive while the session is still opening (access checks,
 * loading the room) are kept and handled in order once it resolves; a rejected session closes
 * the socket with the error's close code.
 */
export function serveConnection(
  socket: WebSocket,
  session: Promise<Session>,
  context: ConnectionContext,
): void {
  const { metrics, limits } = context
  const queued: Buffer[] = []
  let current: Room | undefined
  let canWrite = false
  let permissions = allowEverything
  let guard: ConnectionGuard | undefined
  let expiryTimer: NodeJS.Timeout | undefined
  let isClosing = false
  // This connection's updates that Yjs keeps pending, and the saved requests waiting for them.
  let incomplete: IncompleteTracker | undefined
  // S34: the saved requests held until a partial-rights writer's next sync step 2 re-sends the
  // waiting part dropped from its update (`drops` counts those drops).
  let resend: (() => void)[] | undefined
  let drops = 0

  let syncRepliesPending = 0
  const peer: Peer = {
    awarenessIds: new Set(),
    get isAwaitingSyncReply() {
      return syncRepliesPending > 0
    },
    get author() {
      return guard?.author ?? null
    },
    send(message) {
      if (socket.readyState !== socket.OPEN) return
      // A peer that stops reading would make the server buffer every broadcast for it.
      if (limits.isSlow(socket.bufferedAmount)) {
        closeSlow()
        return
      }
      metrics.bytesSent.inc(message.byteLength)
      socket.send(message)
    },
    close(code, reason) {
      if (isClosing) return
      isClosing = true
      closeSocket(socket, code, reason)
    },
  }

  const closeSlow = (): void => {
    metrics.error('TOO_MANY_REQUESTS')
    peer.close(
      CloseCode.SlowConsumer,
      'the connection stopped reading: its send buffer exceeded maxBufferedBytes; reconnect',
    )
    // The close frame waits behind the unread bytes; the socket and its buffer go soon after.
    setTimeout(() => {
      socket.terminate()
    }, slowCloseGraceMs).unref()
  }

  const refuse = (error: TesseraError, closeCode: number): void => {
    metrics.error(error.code)
    peer.close(closeCode, error.message)
  }

  const handle = (data: Buffer): void => {
    if (current === undefined || isClosing) return
    try {
      handleMessage(current, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    } catch (error) {
      const refused =
        error instanceof TesseraError
          ? error
          : new TesseraError('PROTOCOL_ERROR', `malformed message: ${String(error)}`, {
              cause: error,
            })
      refuse(refused, CloseCode.ProtocolError)
    }
  }

  const handleMessage = (room: Room, bytes: Uint8Array): void => {
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.Sync:
        handleSync(room, decoder)
        return
      case MessageType.Awareness: {
        const received = decoding.readVarUint8Array(decoder)
        // S52–S53: presence carries the connection's own identity, never another's.
        const update = guard === undefined ? received : guard.filterPresence(received, room, peer)
        if (update !== undefined)
          awarenessProtocol.applyAwarenessUpdate(room.awareness, update, peer)
        return
      }
      case MessageType.Permissions:
        // S57: a Tessera client asks what it may do; stock y-websocket clients never ask.
        peer.send(encodePermissions(tablePermissions(canWrite, permissions)))
        return
      case MessageType.QueryAwareness:
        peer.send(encodeAwareness(room.awareness, [...room.awareness.getStates().keys()]))
        return
      case MessageType.Saved: {
        const requestId = decoding.readVarUint(decoder)
        if (incomplete?.isWaiting === true || resend !== undefined) {
          peer.send(
            encodeNotSaved(
              requestId,
              'INCOMPLETE_UPDATE',
              `updates sent before saved(${requestId}) depend on changes the server never received; they are kept and acknowledged once those arrive: answer sync step 1 with them`,
            ),
          )
        }
        const acknowledge = (): void => {
          room.afterDurable((error) => {
            peer.send(
              error === undefined
                ? encodeSaved(requestId)
                : encodeNotSaved(requestId, error.code, error.message),
            )
          })
        }
        if (resend !== undefined) resend.push(acknowledge)
        else if (incomplete === undefined) acknowledge()
        else incomplete.defer(acknowledge)
        return
      }
      default:
        throw new TesseraError(
          'PROTOCOL_ERROR',
          `unknown message type ${type}; expected 0 (sync), 1 (awareness), 3, 100 or 103`,
        )
    }
  }

  const handleSync = (room: Room, decoder: decoding.Decoder): void => {
    const step = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    if (step === SyncStep1) {
      Y.decodeStateVector(payload)
      // The reply carries the whole state the peer lacks, so it must wait until that state is
      // committed (persist, then send); meanwhile broadcasts skip this peer.
      syncRepliesPending++
      const reply = (error?: TesseraError): void => {
        if (error !== undefined) return
        if (room.hasUncommitted()) {
          room.afterDurable(reply)
          return
        }
        syncRepliesPending--
        const encoder = encoding.createEncoder()
        encoding.writeVarUint(encoder, MessageType.Sync)
        encoding.writeVarUint(encoder, SyncStep2)
        encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(room.doc, payload))
        peer.send(encoding.toUint8Array(encoder))
      }
      room.afterDurable(reply)
      return
    }
    if (step !== SyncStep2 && step !== SyncUpdate) {
      throw new TesseraError('PROTOCOL_ERROR', `unknown sync message type ${step}`)
    }
    const dropped = drops
    applyUpdate(room, payload)
    // The reply to our sync step 1 carries everything the writer has that the server lacks.
    if (step === SyncStep2 && resend !== undefined && drops === dropped) {
      const awaited = resend
      resend = undefined
      for (const acknowledge of awaited) acknowledge()
    }
  }

  const applyUpdate = (room: Room, update: Uint8Array): void => {
    // The update is walked within its budget before Yjs decodes it (yjs/yjs#479).
    const shape = checkUpdate(update, limits.budget)
    if (shape.structs === 0 && shape.deleteRanges === 0) return
    metrics.updatesReceived.inc()
    if (!canWrite) {
      metrics.error('FORBIDDEN')
      peer.send(encodeErrorNotice('FORBIDDEN', `table "${room.name}" is read-only for you`))
      return
    }
    // S30–S33: what the schema or the permissions do not allow is undone in the same
    // transaction; the writer needs the correction too, so the batch is echoed to it.
    const before = hasPartialRights(permissions) ? pendingStateOf(room.doc) : undefined
    const applied = applyChecked(room.doc, update, peer, permissions)
    guard?.onApplied(room, applied)
    if (applied.isIncomplete) keepIncomplete(room, update, before)
    const { violations } = applied
    if (violations.length === 0) return
    room.echoToOrigins()
    violations.forEach((violation, index) => {
      metrics.error(violation.code)
      if (index < maxNoticesPerUpdate)
        peer.send(encodeErrorNotice(violation.code, violation.message))
    })
  }

  /**
   * The update (or part of it) waits for changes the server never received: it is stored, its
   * saved requests wait, and the writer is asked for what is missing (docs/protocol.md §3).
   */
  const keepIncomplete = (room: Room, update: Uint8Array, before?: PendingState): void => {
    const overflow = dropIfOverflowing(room.doc)
    if (overflow !== undefined) {
      refuse(overflow, CloseCode.ProtocolError)
      return
    }
    const needs = needsOf(update)
    // Another connection's pending content makes every update look incomplete.
    if (isIntegrated(room.doc, needs)) return
    metrics.error('INCOMPLETE_UPDATE')
    if (before !== undefined) {
      // S34: waiting content is checked under the rights of whoever completes it; a writer with
      // partial rights could get past its rules, so its waiting part is dropped and asked again.
      restorePendingState(room.doc, before)
      drops++
      if (resend === undefined) sendSyncStep1(room)
      resend ??= []
      return
    }
    room.keep(update)
    incomplete ??= createIncompleteTracker(room.doc)
    if (incomplete.add(needs)) sendSyncStep1(room)
  }

  socket.on('message', (data: Buffer, isBinary: boolean) => {
    metrics.bytesReceived.inc(data.byteLength)
    if (isClosing) return
    const limited = limits.receive(data.byteLength, current !== undefined)
    if (limited !== undefined) {
      refuse(limited, closeCodeOf(limited))
      return
    }
    if (!isBinary) {
      metrics.error('PROTOCOL_ERROR')
      peer.close(CloseCode.UnsupportedData, 'text frames are not supported; send binary messages')
      return
    }
    if (current === undefined) queued.push(data)
    else handle(data)
  })

  metrics.connections.inc()
  socket.on('error', (error: Error & { code?: string }) => {
    // ws has already closed the socket (1009 for an oversized frame, 1002 for a bad frame).
    metrics.error(
      error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'MESSAGE_TOO_LARGE' : 'PROTOCOL_ERROR',
    )
  })
  socket.on('close', () => {
    metrics.connections.dec()
    limits.closed()
    isClosing = true
    clearTimeout(expiryTimer)
    incomplete?.dispose()
    current?.leave(peer)
  })

  session.then(
    ({ room: loaded, canWrite: isWritable, permissions: granted, guard: given }) => {
      limits.opened()
      if (socket.readyState !== socket.OPEN) return
      if (loaded.peers.size >= context.maxConnectionsPerTable) {
        metrics.error('TOO_MANY_REQUESTS')
        peer.close(
          CloseCode.TooManyRequests,
          `table "${loaded.name}" has too many connections; retry later`,
        )
        return
      }
      canWrite = isWritable
      permissions = granted ?? allowEverything
      guard = given
      armExpiry()
      current = loaded
      loaded.join(peer)
      greet(loaded)
      for (const data of queued.splice(0)) handle(data)
    },
    (error: unknown) => {
      limits.opened()
      const refused =
        error instanceof TesseraError
          ? error
          : new TesseraError('STORAGE_FAILURE', String(error), { cause: error })
      refuse(refused, closeCodeOf(refused))
    },
  )

  /** S51: a connection lives no longer than its token; the client reconnects with a new one. */
  const armExpiry = (): void => {
    const expiresAtMs = guard?.expiresAtMs
    if (expiresAtMs === undefined || isClosing) return
    const remainingMs = expiresAtMs - Date.now()
    if (remainingMs > maxTimerMs) {
      expiryTimer = setTimeout(armExpiry, maxTimerMs)
      return
    }
    expiryTimer = setTimeout(
      () => {
        metrics.error('UNAUTHORIZED')
        peer.close(CloseCode.Unauthorized, 'the token expired; reconnect with a new token')
      },
      Math.max(0, remainingMs),
    )
  }

  /** Asks for what the server lacks: any y-websocket client answers with sync step 2. */
  const sendSyncStep1 = (room: Room): void => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.Sync)
    encoding.writeVarUint(encoder, SyncStep1)
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(room.doc))
    peer.send(encoding.toUint8Array(encoder))
  }

  /** y-websocket's greeting: the server's state vector, then the current awareness states. */
  const greet = (loaded: Room): void => {
    sendSyncStep1(loaded)
    const states = [...loaded.awareness.getStates().keys()]
    if (states.length > 0) peer.send(encodeAwareness(loaded.awareness, states))
  }
}

// The door of one connection: counts and limits what arrives, keeps messages that come while
// the session is still opening, decodes each one, and closes only this connection, with the
// close code of its error (src/wire/close-codes.ts). Knows a Transport, not a socket.
import { TesseraError, type ErrorCode } from '../src/index.js'
import { closeCodeOf, decodeMessage, type Transport } from '../src/internal.js'
import type { ConnectionLimits } from './limits.js'
import type { Metrics } from './metrics.js'
import {
  openSyncSession,
  type SessionGrant,
  type SessionLink,
  type SyncSession,
} from './sync-session.js'

/** What every connection of a server shares. */
export interface ConnectionContext {
  metrics: Metrics
  maxConnectionsPerTable: number
  /** Rates and update budget of this connection (server/limits.ts). */
  limits: ConnectionLimits
}

const asTesseraError = (error: unknown, code: ErrorCode, what: string): TesseraError =>
  error instanceof TesseraError
    ? error
    : new TesseraError(code, `${what}: ${String(error)}`, { cause: error })

/**
 * Serves one transport. Messages that arrive while the session is still opening (access checks,
 * loading the room) are kept and handled in order once it opens; a rejected opening closes the
 * transport with the error's close code.
 */
export function serveConnection(
  transport: Transport,
  opening: Promise<SessionGrant>,
  context: ConnectionContext,
): void {
  const { metrics, limits } = context
  const queued: Uint8Array[] = []
  let session: SyncSession | undefined

  const link: SessionLink = {
    send(message) {
      if (transport.send(message)) metrics.bytesSent.inc(message.byteLength)
    },
    sendPresence(message) {
      // S72: presence is lossy (clients renew their state every 15 s), so a filling buffer
      // drops it instead of closing the reader as slow.
      if (!limits.canSendPresence(transport.bufferedBytes, message.byteLength)) {
        if (transport.isOpen) metrics.presenceDropped.inc()
        return
      }
      if (transport.send(message)) metrics.bytesSent.inc(message.byteLength)
    },
    close(code, reason) {
      transport.close(code, reason)
    },
  }
  const refuse = (error: TesseraError): void => {
    metrics.error(error.code)
    transport.close(closeCodeOf(error.code), error.message)
  }
  const handle = (opened: SyncSession, bytes: Uint8Array): void => {
    if (!transport.isOpen) return
    try {
      opened.receive(decodeMessage(bytes))
    } catch (error) {
      refuse(asTesseraError(error, 'PROTOCOL_ERROR', 'malformed message'))
    }
  }

  metrics.connections.inc()
  transport.on('message', (bytes) => {
    metrics.bytesReceived.inc(bytes.byteLength)
    const limited = limits.receive(bytes.byteLength, session !== undefined)
    if (limited !== undefined) refuse(limited)
    else if (session === undefined) queued.push(bytes)
    else handle(session, bytes)
  })
  transport.on('close', () => {
    metrics.connections.dec()
    limits.closed()
    session?.end()
  })

  opening.then(
    (grant) => {
      limits.opened()
      if (!transport.isOpen) return
      if (grant.room.peers.size >= context.maxConnectionsPerTable) {
        refuse(
          new TesseraError(
            'TOO_MANY_REQUESTS',
            `table "${grant.room.name}" has too many connections; retry later`,
          ),
        )
        return
      }
      const opened = openSyncSession(grant, link, {
        metrics,
        budget: limits.budget,
        answerBudget: limits.answerBudget,
      })
      session = opened
      for (const bytes of queued.splice(0)) handle(opened, bytes)
    },
    (error: unknown) => {
      limits.opened()
      refuse(asTesseraError(error, 'STORAGE_FAILURE', 'opening the table failed'))
    },
  )
}

// The connection of a window client (connect-query.ts): dials `?mode=window` WebSockets with
// backoff, hands the client each message and close, and reports what goes wrong as errors.
import { TesseraError } from '../../src/index.js'
import { decodeMessage } from '../../src/internal.js'
import { openWebSocketTransport } from '../adapters/websocket-transport.js'
import { createReconnector, type ConnectionStatus, type Reconnector } from '../reconnect.js'
import type { QuerySettings } from './query-options.js'
import type { WindowClient } from './window-client.js'

/** `cause` as a TesseraError: itself, or a PROTOCOL_ERROR saying `what` failed. */
export const asQueryError = (cause: unknown, what: string): TesseraError =>
  cause instanceof TesseraError
    ? cause
    : new TesseraError('PROTOCOL_ERROR', `${what}: ${String(cause)}`, { cause })

/**
 * The reconnecting link of the client `client()` returns (created after the link, which it
 * sends through); `onStatus` hears each status change.
 */
export function linkWindowClient(
  settings: QuerySettings,
  client: () => WindowClient,
  onStatus: (status: ConnectionStatus) => void,
): Reconnector {
  const report = (cause: unknown, what: string): void => {
    client().events.emit('error', asQueryError(cause, what))
  }
  return createReconnector({
    dial: () => openWebSocketTransport(settings.roomUrl, settings.WebSocket),
    maxBackoffMs: settings.maxBackoffMs,
    onOpen(transport) {
      const stops = [
        transport.on('message', (bytes) => {
          try {
            client().receive(decodeMessage(bytes))
          } catch (cause) {
            report(cause, 'a server message could not be read')
          }
        }),
        transport.on('close', () => {
          for (const stop of stops) stop()
          client().closed()
        }),
      ]
      client().opened((bytes) => {
        transport.send(bytes)
      })
      return { sayGoodbye: () => undefined }
    },
    onStatus,
    onServerClose(close, _meaning, isRetrying) {
      const next = isRetrying ? 'reconnecting' : 'not reconnecting: fix the cause, then connect()'
      const message = `the server closed the connection (${close.code}: ${close.reason}); ${next}`
      client().events.emit('error', new TesseraError('CLOSED', message))
    },
    onDialError(cause) {
      report(cause, `connectQuery: cannot open a WebSocket to ${settings.url}`)
    },
  })
}

/** Whether a window client's link should be up: what its user asked, and whether it closed. */
export interface OnlineSwitch {
  readonly isClosed: boolean
  /** The offline copy is back: dials, unless the user went offline or closed meanwhile. */
  start(): void
  /** Back online after `disconnect()` (dials once started). */
  connect(): void
  disconnect(): void
  /** Closes for good; false when it was closed already. */
  close(): boolean
  /** True when edits cannot be saved now: offline by choice, or a close that stopped retrying. */
  isOffline(): boolean
}

/** The switch over `link`, which starts offline until `start()`. */
export function onlineSwitch(link: Reconnector): OnlineSwitch {
  let isClosed = false
  /** False after disconnect(), until connect(); the link itself starts once the copy is back. */
  let wantsOnline = true
  let hasDialled = false
  return {
    get isClosed() {
      return isClosed
    },
    start() {
      hasDialled = true
      if (!isClosed && wantsOnline) link.connect()
    },
    connect() {
      wantsOnline = true
      if (!isClosed && hasDialled) link.connect()
    },
    disconnect() {
      wantsOnline = false
      link.disconnect()
    },
    close() {
      if (isClosed) return false
      isClosed = true
      link.disconnect()
      return true
    },
    isOffline: () => !(wantsOnline && (!hasDialled || link.isOnline)),
  }
}

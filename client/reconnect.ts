// Keeps one table connected: dials a transport, runs a session on it once it opens, and after
// each close waits with exponential backoff and dials again, unless the close code says that
// cannot help (S60–S62). Probes a silent connection, then replaces it. Knows no WebSocket.
import {
  closeMeaningOf,
  CloseCode,
  encodeMessage,
  type CloseMeaning,
  type Transport,
  type TransportClose,
} from '../src/internal.js'

/** Where the connection stands: a transport opening, open, in sync with the server, or none. */
export type ConnectionStatus = 'connecting' | 'connected' | 'synced' | 'offline'

/** After this long without a message, the connection is probed with a query-awareness (S62). */
export const probeAfterMs = 15_000
/** After this long without a message, the connection is closed and dialled again (S62). */
export const silentCloseMs = 30_000
const watchEveryMs = 3_000

export interface ReconnectOptions {
  /** Opens a new transport; it may still be connecting. */
  dial(): Transport
  /** The longest wait between attempts (S61). */
  maxBackoffMs: number
  /** Runs a session on a transport that just opened; `sayGoodbye` precedes a close on purpose. */
  onOpen(transport: Transport): { sayGoodbye(): void }
  onStatus(status: ConnectionStatus): void
  /** The server closed the connection; `isRetrying` says whether a new attempt is scheduled. */
  onServerClose(close: TransportClose, meaning: CloseMeaning | undefined, isRetrying: boolean): void
  /** `dial` threw: the loop goes offline. */
  onDialError(error: unknown): void
  /** Time in ms (for tests); default Date.now. */
  now?: () => number
}

/** The reconnect loop of one connection. */
export interface Reconnector {
  /** False after `disconnect()` or a close that retrying cannot fix. */
  readonly isOnline: boolean
  /** Sends on the open transport; false when none is open. */
  send(message: Uint8Array): boolean
  /** Goes online: dials now (any wait is cut short). */
  connect(): void
  /** Goes offline on purpose: closes the transport with 1000 and stops dialling. */
  disconnect(): void
  /** The session synced: the backoff starts over (S61). */
  synced(): void
}

/** Creates the loop, offline until `connect()`. */
export function createReconnector(options: ReconnectOptions): Reconnector {
  const now = options.now ?? Date.now
  let transport: Transport | undefined
  let session: { sayGoodbye(): void } | undefined
  let isOnline = false
  let failures = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let watchTimer: ReturnType<typeof setInterval> | undefined
  let lastHeardMs = 0
  let hasProbed = false

  const heard = (): void => {
    lastHeardMs = now()
    hasProbed = false
  }
  // S62: a healthy server answers the probe with the awareness states, so only a dead
  // connection stays silent for silentCloseMs.
  const watch = (): void => {
    const silentMs = now() - lastHeardMs
    if (silentMs >= silentCloseMs) closeLocally('no message from the server for 30 s')
    else if (silentMs >= probeAfterMs && !hasProbed) {
      hasProbed = true
      transport?.send(encodeMessage({ type: 'query-awareness' }))
    }
  }

  const closed = (from: Transport, close: TransportClose | undefined): void => {
    if (from !== transport) return
    transport = undefined
    session = undefined
    clearInterval(watchTimer)
    // S61: every close counts as a failed attempt until a connection syncs again.
    failures++
    const meaning = close === undefined ? undefined : closeMeaningOf(close.code)
    if (meaning?.isRetryable === false) isOnline = false
    options.onStatus('offline')
    if (isOnline) {
      const delayMs = Math.min(2 ** failures * 100, options.maxBackoffMs)
      retryTimer = setTimeout(dial, delayMs)
    }
    if (close !== undefined) options.onServerClose(close, meaning, isOnline)
  }

  const dial = (): void => {
    clearTimeout(retryTimer)
    if (!isOnline || transport !== undefined) return
    let next: Transport
    try {
      next = options.dial()
    } catch (error) {
      isOnline = false
      options.onStatus('offline')
      options.onDialError(error)
      return
    }
    transport = next
    const opened = (): void => {
      if (next !== transport) return
      heard()
      watchTimer = setInterval(watch, watchEveryMs)
      options.onStatus('connected')
      // A status handler may have closed it already.
      if (next === transport) session = options.onOpen(next)
    }
    next.on('open', opened)
    next.on('message', heard)
    next.on('close', (close) => {
      closed(next, close)
    })
    options.onStatus('connecting')
    // A dial may give a transport that is open already (an in-memory one).
    if (next.isOpen) opened()
  }

  const closeLocally = (reason: string, goodbye = false): void => {
    const open = transport
    if (open === undefined) return
    if (goodbye) session?.sayGoodbye()
    // Handled here, not as the server's close: nothing to report.
    closed(open, undefined)
    open.close(CloseCode.Normal, reason)
  }

  return {
    get isOnline() {
      return isOnline
    },
    send: (message) => transport?.send(message) ?? false,
    connect() {
      isOnline = true
      dial()
    },
    disconnect() {
      isOnline = false
      clearTimeout(retryTimer)
      closeLocally('the client disconnected', true)
      options.onStatus('offline')
    },
    synced() {
      failures = 0
      options.onStatus('synced')
    },
  }
}

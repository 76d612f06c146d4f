// Composition root of a window client: keeps one window of a query live over a `?mode=window`
// connection (docs/protocol.md §8) without holding the table, and writes rows as Yjs updates the
// server checks like any other (S135). Reconnects with backoff and sends unsaved edits again.
import {
  TesseraError,
  type Column,
  type ErrorCode,
  type Row,
  type LiveQueryDiff,
} from '../../src/index.js'
import {
  decodeMessage,
  encodeMessage,
  errorCodes,
  type TablePermissions,
  type Transport,
  type WireMessage,
} from '../../src/internal.js'
import { openWebSocketTransport } from '../adapters/websocket-transport.js'
import { createEmitter } from '../emitter.js'
import { createReconnector, type ConnectionStatus } from '../reconnect.js'
import { createPendingEdits } from './pending-edits.js'
import { checkQueryOptions, checkWindow, type ConnectQueryOptions } from './query-options.js'
import { createWindowState } from './window-state.js'
import { createWindowWrites, type WindowWrites } from './window-writes.js'

/** A live window of a query on a server's table, and the row writes of a table. */
export interface QueryConnection extends WindowWrites {
  /** The rows of the window, in order, with this client's unsaved edits applied (S138). */
  readonly rows: readonly Row[]
  /** The number of rows matching the query (the whole result, not only the window). */
  readonly total: number
  readonly window: { readonly offset: number; readonly limit: number }
  /** The table's columns, once the server sent them. */
  readonly columns: readonly Column[] | undefined
  readonly status: ConnectionStatus
  /** Edits not yet acknowledged as durable by the server. */
  readonly unsaved: number
  readonly permissions: TablePermissions | undefined
  /** Set while the server refuses the window (for example INVALID_QUERY). */
  readonly error: TesseraError | undefined
  /** Calls `handler` with one diff per change of the rows or total. */
  subscribe(handler: (diff: LiveQueryDiff) => void): () => void
  /** Errors the server reports (refused or corrected writes, window errors). */
  onError(handler: (error: TesseraError) => void): () => void
  /** Shows another slice of the result; rows arrive with a diff whose source is "window". */
  setWindow(window: { offset: number; limit: number }): void
  /** Resolves once the server answered for the current window. @throws the window's error */
  whenLoaded(): Promise<void>
  /** Resolves once every edit made so far is durable on the server. @throws CLOSED */
  whenSaved(): Promise<void>
  /**
   * Goes offline on purpose: the window keeps its rows, edits of them stay pending (shown at
   * once, S138) and are sent on `connect()`.
   */
  disconnect(): void
  /** Goes back online after `disconnect()` or a close that stopped the reconnecting. */
  connect(): void
  /** Stops: closes the connection; unsaved edits are lost. */
  close(): void
}

/** A 32-bit Yjs client id for this window client's items. */
const randomClientId = (): number => crypto.getRandomValues(new Uint32Array(1))[0]!

/**
 * Opens a window of `options.query` on a server's table and keeps it live.
 * @example
 * const q = connectQuery({ url, table: 'todos', query: { orderBy: [['priority', 'desc']] }, limit: 50 })
 * await q.whenLoaded()
 * q.setCell(q.rows[0].id, 'done', true)
 * @throws INVALID_ARGUMENT for bad options
 */
export function connectQuery(options: ConnectQueryOptions): QueryConnection {
  const settings = checkQueryOptions(options)
  const windowId = 1
  let window = { offset: settings.offset, limit: settings.limit }
  let permissions: TablePermissions | undefined
  let error: TesseraError | undefined
  let status: ConnectionStatus = 'offline'
  let isClosed = false
  /** A window message arrived while a saved request was unanswered (see receive). */
  let hasAnswerWaiting = false
  const events = createEmitter<{
    diff: (diff: LiveQueryDiff) => void
    error: (error: TesseraError) => void
    change: () => void
  }>(() => undefined)
  const report = (failure: TesseraError): void => {
    events.emit('error', failure)
  }
  const pending = createPendingEdits(
    (bytes) => link.send(bytes),
    () => {
      events.emit('change')
    },
  )
  const state = createWindowState(settings.query, pending)
  const refresh = (source: LiveQueryDiff['source']): void => {
    hasAnswerWaiting = false
    const diff = state.refresh(source)
    if (diff !== undefined) events.emit('diff', diff)
    events.emit('change')
  }
  state.setWindow(window.offset, window.limit)
  const writes = createWindowWrites(
    {
      ...state.rowsForWrites,
      permissions: () => permissions,
      commit(update, rowEdits) {
        pending.add(update, rowEdits)
        refresh('local')
      },
    },
    randomClientId(),
  )

  const receive = (message: WireMessage): void => {
    switch (message.type) {
      case 'window-schema':
        state.setSchema(message.columns)
        return
      case 'window-rows':
      case 'window-diff': {
        if (message.windowId !== windowId) return
        const wasLoaded = state.isLoaded
        state.setAnswer(message)
        pending.answered()
        error = undefined
        link.synced()
        // The acknowledgement of a commit follows its window messages: until it arrives, the
        // answer may hold edits still laid over it (S138), so the view waits for it.
        if (!wasLoaded || !pending.isAwaitingSaved) refresh(wasLoaded ? 'remote' : 'window')
        else hasAnswerWaiting = true
        return
      }
      case 'window-error':
        error = new TesseraError(codeOf(message.code), message.message)
        report(error)
        events.emit('change')
        return
      case 'saved':
        pending.acknowledge(message.requestId)
        if (!pending.isAwaitingSaved || !hasAnswerWaiting) refresh('remote')
        return
      case 'not-saved':
        report(
          new TesseraError(codeOf(message.code), `the server could not save: ${message.message}`),
        )
        return
      case 'error':
        report(new TesseraError(codeOf(message.code), message.message))
        return
      case 'permission-denied':
        report(new TesseraError('FORBIDDEN', `permission denied: ${message.reason}`))
        return
      case 'permissions':
        permissions = message.permissions
        events.emit('change')
        return
      case 'awareness':
      case 'query-awareness':
      case 'sync-step-1':
      case 'sync-step-2':
      case 'sync-update':
        // Presence, and sync messages a window connection has no use for.
        return
      case 'permissions-request':
      case 'window-open':
      case 'window-move':
      case 'window-close':
        throw new TesseraError('PROTOCOL_ERROR', `a server may not send "${message.type}"`)
    }
  }
  const onOpen = (transport: Transport): { sayGoodbye(): void } => {
    const stops = [
      transport.on('message', (bytes) => {
        try {
          receive(decodeMessage(bytes))
        } catch (cause) {
          report(
            cause instanceof TesseraError
              ? cause
              : new TesseraError(
                  'PROTOCOL_ERROR',
                  `a server message could not be read: ${String(cause)}`,
                ),
          )
        }
      }),
    ]
    stops.push(
      transport.on('close', () => {
        for (const stop of stops) stop()
        pending.reset()
        if (hasAnswerWaiting) refresh('remote')
      }),
    )
    transport.send(encodeMessage({ type: 'permissions-request' }))
    const query = JSON.stringify(settings.query)
    transport.send(encodeMessage({ type: 'window-open', windowId, query, ...window }))
    pending.resend()
    return { sayGoodbye: () => undefined }
  }
  const link = createReconnector({
    dial: () => openWebSocketTransport(settings.roomUrl, settings.WebSocket),
    maxBackoffMs: settings.maxBackoffMs,
    onOpen,
    onStatus(next) {
      status = next
      events.emit('change')
    },
    onServerClose(close) {
      report(
        new TesseraError(
          'CLOSED',
          `the server closed the connection (${close.code}: ${close.reason})`,
        ),
      )
    },
    onDialError(cause) {
      report(
        new TesseraError(
          'INVALID_ARGUMENT',
          `connectQuery: cannot open a WebSocket: ${String(cause)}`,
          { cause },
        ),
      )
    },
  })

  const until = (isReady: () => boolean, failure: () => TesseraError | undefined): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const failed = isClosed
          ? new TesseraError('CLOSED', 'the query connection is closed')
          : failure()
        if (!isReady() && failed === undefined) return
        stop()
        if (failed === undefined) resolve()
        else reject(failed)
      }
      const stop = events.on('change', check)
      check()
    })

  link.connect()
  return {
    ...writes,
    get rows() {
      return state.rows
    },
    get total() {
      return state.total
    },
    get window() {
      return window
    },
    get columns() {
      return state.columns
    },
    get status() {
      return status
    },
    get unsaved() {
      return pending.unsaved.length
    },
    get permissions() {
      return permissions
    },
    get error() {
      return error
    },
    subscribe: (handler) => events.on('diff', handler),
    onError: (handler) => events.on('error', handler),
    setWindow(next) {
      checkWindow(next?.offset, next?.limit, 'setWindow')
      window = { offset: next.offset, limit: next.limit }
      state.setWindow(window.offset, window.limit)
      link.send(encodeMessage({ type: 'window-move', windowId, ...window }))
    },
    whenLoaded: () =>
      until(
        () => state.isLoaded,
        () => error,
      ),
    whenSaved: () =>
      until(
        () => pending.unsaved.length === 0,
        () =>
          link.isOnline
            ? undefined
            : new TesseraError(
                'CLOSED',
                'the query connection stopped before its edits were saved',
              ),
      ),
    disconnect() {
      link.disconnect()
    },
    connect() {
      if (!isClosed) link.connect()
    },
    close() {
      if (isClosed) return
      isClosed = true
      link.disconnect()
      events.emit('change')
      events.clear()
    },
  }
}

/** A code from the server, or PROTOCOL_ERROR for one this client does not know. */
const codeOf = (code: string): ErrorCode =>
  (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'PROTOCOL_ERROR'

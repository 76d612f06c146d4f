// The core of a window client: what it sends when a connection opens, what it does with each
// server message, and its writes, over the window state and the pending edits. Knows no
// WebSocket, reconnect loop or IndexedDB (connect-query.ts composes those).
import { TesseraError, type ErrorCode, type LiveQueryDiff, type Query } from '../../src/index.js'
import {
  encodeMessage,
  errorCodes,
  type TablePermissions,
  type WireMessage,
} from '../../src/internal.js'
import { createEmitter, type Emitter } from '../emitter.js'
import { createPendingEdits, type PendingEdits, type RowEdit } from './pending-edits.js'
import type { SavedWindow } from './window-copy.js'
import { createWindowState, type WindowState } from './window-state.js'
import { createWindowWrites, type WindowWrites } from './window-writes.js'

/** The events of a window client. */
export type WindowEvents = {
  diff: (diff: LiveQueryDiff) => void
  error: (error: TesseraError) => void
  /** Anything a getter reads may have changed. */
  change: () => void
}

export interface WindowClient {
  readonly state: WindowState
  readonly pending: PendingEdits
  readonly writes: WindowWrites
  readonly events: Emitter<WindowEvents>
  readonly window: { readonly offset: number; readonly limit: number }
  readonly permissions: TablePermissions | undefined
  /** Set while the server refuses the window. */
  readonly error: TesseraError | undefined
  /** A connection opened: asks for the permissions and the window, sends unsaved edits again. */
  opened(send: (bytes: Uint8Array) => void): void
  /** The open connection closed. */
  closed(): void
  /** @throws PROTOCOL_ERROR for a message a server may not send */
  receive(message: WireMessage): void
  /** Asks for another window (sent when `send` can). */
  setWindow(offset: number, limit: number, send: (bytes: Uint8Array) => boolean): void
  /** Puts back an offline copy's answer (when it is for this window) and unsaved edits. */
  restore(saved: SavedWindow): void
  /** What the offline copy keeps now. */
  saved(): SavedWindow
}

const windowId = 1

/** A code from the server, or PROTOCOL_ERROR for one this client does not know. */
const codeOf = (code: string): ErrorCode =>
  (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'PROTOCOL_ERROR'

/** A window client of `query`; its writes are Yjs items of client `clientId`. */
export function createWindowClient(
  query: Pick<Query, 'where' | 'orderBy'>,
  start: { offset: number; limit: number },
  link: { send(bytes: Uint8Array): boolean; synced(): void },
  clientId: number,
): WindowClient {
  const queryText = JSON.stringify(query)
  let window = start
  let permissions: TablePermissions | undefined
  let error: TesseraError | undefined
  /** A window message arrived while a saved request was unanswered (see receive). */
  let hasAnswerWaiting = false
  const events = createEmitter<WindowEvents>(() => undefined)
  const report = (failure: TesseraError): void => {
    events.emit('error', failure)
  }
  const changed = (): void => {
    events.emit('change')
  }
  const pending = createPendingEdits((bytes) => link.send(bytes), changed)
  const state = createWindowState(query, pending)
  const refresh = (source: LiveQueryDiff['source']): void => {
    hasAnswerWaiting = false
    const diff = state.refresh(source)
    if (diff !== undefined) events.emit('diff', diff)
    changed()
  }
  state.setWindow(window.offset, window.limit)
  const commit = (update: Uint8Array, rowEdits: RowEdit[]): void => {
    pending.add(update, rowEdits)
    refresh('local')
  }
  const writes = createWindowWrites(
    { ...state.rowsForWrites, permissions: () => permissions, commit },
    clientId,
  )

  const answer = (message: Extract<WireMessage, { type: 'window-rows' | 'window-diff' }>) => {
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
  }

  const receive = (message: WireMessage): void => {
    if (!isHandled(message)) {
      otherMessage(message, report)
      return
    }
    switch (message.type) {
      case 'window-schema':
        state.setSchema(message.columns)
        return
      case 'window-rows':
      case 'window-diff':
        answer(message)
        return
      case 'window-error':
        error = new TesseraError(codeOf(message.code), message.message)
        report(error)
        changed()
        return
      case 'saved':
        pending.acknowledge(message.requestId)
        if (!pending.isAwaitingSaved || !hasAnswerWaiting) refresh('remote')
        return
      case 'permissions':
        permissions = message.permissions
        changed()
        return
    }
  }

  return {
    state,
    pending,
    writes,
    events,
    get window() {
      return window
    },
    get permissions() {
      return permissions
    },
    get error() {
      return error
    },
    opened(send) {
      send(encodeMessage({ type: 'permissions-request' }))
      send(encodeMessage({ type: 'window-open', windowId, query: queryText, ...window }))
      pending.resend()
    },
    closed() {
      pending.reset()
      if (hasAnswerWaiting) refresh('remote')
    },
    receive,
    setWindow(offset, limit, send) {
      window = { offset, limit }
      state.setWindow(offset, limit)
      send(encodeMessage({ type: 'window-move', windowId, offset, limit }))
    },
    restore(saved) {
      pending.restore(saved.unsaved)
      const answer = saved.answer
      if (isFor(saved, queryText, window) && answer !== undefined) {
        state.setSchema(saved.columns)
        state.setAnswer({ type: 'window-rows', windowId, ...answer })
      }
      refresh('window')
    },
    saved: () => savedOf(state, pending, queryText, window),
  }
}

/** What the offline copy keeps of a window client now. */
const savedOf = (
  state: WindowState,
  pending: PendingEdits,
  query: string,
  window: { offset: number; limit: number },
): SavedWindow => ({
  query,
  ...window,
  columns: state.schema ?? [],
  answer: state.answer && { head: state.answer.head, rows: state.answer.rows },
  unsaved: pending.unsaved,
})

/** True when an offline copy was kept for this query and window. */
const isFor = (
  saved: SavedWindow,
  queryText: string,
  window: { offset: number; limit: number },
): boolean =>
  saved.query === queryText && saved.offset === window.offset && saved.limit === window.limit

type Handled =
  'window-schema' | 'window-rows' | 'window-diff' | 'window-error' | 'saved' | 'permissions'

const handled: ReadonlySet<string> = new Set<Handled>([
  'window-schema',
  'window-rows',
  'window-diff',
  'window-error',
  'saved',
  'permissions',
])
const isHandled = (message: WireMessage): message is Extract<WireMessage, { type: Handled }> =>
  handled.has(message.type)

/** The messages that only report (errors) or that a window client ignores. */
function otherMessage(
  message: Exclude<WireMessage, { type: Handled }>,
  report: (failure: TesseraError) => void,
): void {
  switch (message.type) {
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

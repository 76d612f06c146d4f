// The core of a window client: what it sends when a connection opens, what it does with each
// server message, and its writes, over the window state and the pending edits. Knows no
// WebSocket, reconnect loop or IndexedDB (connect-query.ts composes those).
import type { LiveQueryDiff, Query, TesseraError } from '../../src/index.js'
import { encodeMessage, type TablePermissions, type WireMessage } from '../../src/internal.js'
import { createEmitter, type Emitter } from '../emitter.js'
import { createPendingEdits, type PendingEdits } from './pending-edits.js'
import type { SavedWindow } from './window-copy.js'
import { dispatchWindowMessage, type WindowMessageHandlers } from './window-messages.js'
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

/** The window a client asks for: its query as sent, and its place. */
interface AskedWindow {
  readonly query: string
  readonly offset: number
  readonly limit: number
}

/** Puts back an offline copy's answer (when it is for `asked`) and its unsaved edits. */
function restoreSaved(
  saved: SavedWindow,
  asked: AskedWindow,
  state: WindowState,
  pending: PendingEdits,
): void {
  pending.restore(saved.unsaved)
  const isSame =
    saved.query === asked.query && saved.offset === asked.offset && saved.limit === asked.limit
  if (isSame && saved.answer !== undefined) {
    state.setSchema(saved.columns)
    state.setAnswer({ type: 'window-rows', windowId, ...saved.answer })
  }
}

/** What the offline copy keeps of the window `asked`: its answer and the unsaved edits. */
const savedOf = (asked: AskedWindow, state: WindowState, pending: PendingEdits): SavedWindow => ({
  ...asked,
  columns: state.schema ?? [],
  answer: state.answer && { head: state.answer.head, rows: state.answer.rows },
  unsaved: pending.unsaved,
})

/** What a window client knows besides its state and pending edits; its handlers update it. */
interface ClientStatus {
  permissions: TablePermissions | undefined
  /** Set while the server refuses the window. */
  error: TesseraError | undefined
  /** A window message arrived while a saved request was unanswered (see `answer`). */
  hasAnswerWaiting: boolean
}

/** The parts of a window client that its message handlers drive. */
interface ClientParts {
  readonly status: ClientStatus
  readonly state: WindowState
  readonly pending: PendingEdits
  readonly synced: () => void
  readonly refresh: (source: LiveQueryDiff['source']) => void
  readonly report: (error: TesseraError) => void
  readonly changed: () => void
}

/** What a window client does with each server message it uses. */
function messageHandlers(parts: ClientParts): WindowMessageHandlers {
  const { status, state, pending, refresh, report, changed } = parts
  return {
    schema: (columns) => {
      state.setSchema(columns)
    },
    answer(message) {
      if (message.windowId !== windowId) return
      const wasLoaded = state.isLoaded
      state.setAnswer(message)
      pending.answered()
      status.error = undefined
      parts.synced()
      // The acknowledgement of a commit follows its window messages: until it arrives, the
      // answer may hold edits still laid over it (S138), so the view waits for it.
      if (!wasLoaded || !pending.isAwaitingSaved) refresh(wasLoaded ? 'remote' : 'window')
      else status.hasAnswerWaiting = true
    },
    refused(refusal) {
      status.error = refusal
      report(refusal)
      changed()
    },
    saved(requestId) {
      pending.acknowledge(requestId)
      if (!pending.isAwaitingSaved || !status.hasAnswerWaiting) refresh('remote')
    },
    report,
    permissions(granted) {
      status.permissions = granted
      changed()
    },
  }
}

/** A window client of `query`; its writes are Yjs items of client `clientId`. */
export function createWindowClient(
  query: Pick<Query, 'where' | 'orderBy'>,
  start: { offset: number; limit: number },
  link: { send(bytes: Uint8Array): boolean; synced(): void },
  clientId: number,
): WindowClient {
  const queryText = JSON.stringify(query)
  let window = start
  const status: ClientStatus = { permissions: undefined, error: undefined, hasAnswerWaiting: false }
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
    status.hasAnswerWaiting = false
    const diff = state.refresh(source)
    if (diff !== undefined) events.emit('diff', diff)
    changed()
  }
  state.setWindow(window.offset, window.limit)
  const writes = createWindowWrites(
    {
      ...state.rowsForWrites,
      permissions: () => status.permissions,
      commit(update, rowEdits) {
        pending.add(update, rowEdits)
        refresh('local')
      },
    },
    clientId,
  )
  const synced = (): void => {
    link.synced()
  }
  const handlers = messageHandlers({ status, state, pending, synced, refresh, report, changed })

  return {
    state,
    pending,
    writes,
    events,
    get window() {
      return window
    },
    get permissions() {
      return status.permissions
    },
    get error() {
      return status.error
    },
    opened(send) {
      send(encodeMessage({ type: 'permissions-request' }))
      send(encodeMessage({ type: 'window-open', windowId, query: queryText, ...window }))
      pending.resend()
    },
    closed() {
      pending.reset()
      if (status.hasAnswerWaiting) refresh('remote')
    },
    receive(message) {
      dispatchWindowMessage(message, handlers)
    },
    setWindow(offset, limit, send) {
      window = { offset, limit }
      state.setWindow(offset, limit)
      send(encodeMessage({ type: 'window-move', windowId, offset, limit }))
    },
    restore(saved) {
      restoreSaved(saved, { query: queryText, ...window }, state, pending)
      refresh('window')
    },
    saved: () => savedOf({ query: queryText, ...window }, state, pending),
  }
}

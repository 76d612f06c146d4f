// The windows of one connection (docs/protocol.md §8): opens, moves and closes them on the room's
// shared sort indexes, and sends each one's rows, then only what changed, once it is durable.
// Knows the room's window side and the wire messages; nothing about sockets or updates.
import { TesseraError, type Query } from '../../src/index.js'
import type { IndexLease, RoomWindows, WindowFlusher } from './room-windows.js'
import { createWindowSender, type OpenWindow } from './window-sender.js'

/** Limits of one connection's windows, and how long an unused index is kept. */
export interface WindowOptions {
  /** How long an index no window uses is kept, in ms. */
  readonly indexIdleMs: number
  /** Most windows open at once on one connection. */
  readonly maxWindows: number
  /** Most rows one window may show. */
  readonly maxWindowRows: number
  /** Windows whose end is past this many rows wait for the full index on a cold query. */
  readonly maxColdRows: number
}

/** The defaults: 16 windows of up to 1,000 rows, cold answers up to row 10,000, 60 s idle. */
export const defaultWindowOptions: WindowOptions = {
  indexIdleMs: 60_000,
  maxWindows: 16,
  maxWindowRows: 1000,
  maxColdRows: 10_000,
}

type WindowRequest =
  | { type: 'window-open'; windowId: number; query: string; offset: number; limit: number }
  | { type: 'window-move'; windowId: number; offset: number; limit: number }
  | { type: 'window-close'; windowId: number }

export interface WindowSession {
  /** @throws PROTOCOL_ERROR for a request that breaks the protocol (closes the connection) */
  receive(request: WindowRequest): void
  end(): void
}

/** Starts the windows of one connection to the room whose window side is `windows`. */
export function openWindowSession(
  windows: RoomWindows,
  send: (message: Uint8Array) => void,
  limits: WindowOptions,
): WindowSession {
  const open = new Map<number, OpenWindow>()

  const sender = createWindowSender(windows, send, limits.maxColdRows)
  const fail = (windowId: number, error: TesseraError): void => {
    sender.fail(windowId, error)
  }

  const flusher: WindowFlusher = {
    get isDirty() {
      for (const window of open.values()) if (window.isDirty) return true
      return false
    },
    flush(error) {
      // A failed commit closes the connection (4500); nothing it did not store is shown.
      if (error !== undefined) return
      sender.flush(open.values())
    },
  }
  windows.join(flusher)

  const markDirty = (window: OpenWindow): void => {
    window.isDirty = true
    windows.requestFlush(flusher)
  }

  const openWindow = (windowId: number, query: Query, offset: number, limit: number): void => {
    const window = newWindow(windowId, windows.acquire(query), offset, limit, markDirty)
    open.set(windowId, window)
    markDirty(window)
  }

  const close = (windowId: number): void => {
    const window = open.get(windowId)
    if (window === undefined) return
    open.delete(windowId)
    window.stop()
    window.lease.release()
  }

  return {
    receive(request) {
      if (request.type === 'window-close') {
        close(request.windowId)
        return
      }
      const problem = checkWindow(request.offset, request.limit, limits)
      if (request.type === 'window-move') {
        const window = open.get(request.windowId)
        if (window === undefined) return
        if (problem !== undefined) {
          fail(request.windowId, problem)
          return
        }
        window.offset = request.offset
        window.limit = request.limit
        window.sentIds = undefined
        markDirty(window)
        return
      }
      if (open.has(request.windowId)) {
        throw new TesseraError('PROTOCOL_ERROR', `window ${request.windowId} is open already`)
      }
      const query = problem ?? parseWindowQuery(request.query)
      if (query instanceof TesseraError) {
        fail(request.windowId, query)
        return
      }
      if (open.size >= limits.maxWindows) {
        const message = `a connection may have ${limits.maxWindows} windows open; close one first`
        fail(request.windowId, new TesseraError('TOO_MANY_REQUESTS', message))
        return
      }
      openWindow(request.windowId, query, request.offset, request.limit)
    },
    end() {
      for (const windowId of [...open.keys()]) close(windowId)
      windows.leave(flusher)
    },
  }
}

/** A window on `lease`'s index, marked dirty when a change reaches its rows or its total. */
function newWindow(
  id: number,
  lease: IndexLease,
  offset: number,
  limit: number,
  markDirty: (window: OpenWindow) => void,
): OpenWindow {
  const window: OpenWindow = {
    id,
    lease,
    offset,
    limit,
    isDirty: false,
    sentIds: undefined,
    sent: new Map(),
    sentHead: '',
    sentError: undefined,
    stop: lease.index.subscribe((event) => {
      if (event.kind !== 'change') {
        if (event.kind === 'reset') window.sentIds = undefined
        markDirty(window)
        return
      }
      const end = window.offset + window.limit
      const reaches = event.touches.some(
        ({ oldRank, newRank }) =>
          (oldRank >= 0 && oldRank < end) || (newRank >= 0 && newRank < end),
      )
      if (reaches || event.previousTotal !== lease.index.total) markDirty(window)
    }),
  }
  return window
}

function checkWindow(
  offset: number,
  limit: number,
  limits: WindowOptions,
): TesseraError | undefined {
  if (limit >= 1 && limit <= limits.maxWindowRows && offset <= 2 ** 31) return undefined
  return new TesseraError(
    'INVALID_ARGUMENT',
    `a window shows 1 to ${limits.maxWindowRows} rows from an offset up to 2^31; got offset ${offset}, limit ${limit}`,
  )
}

/** The where and orderBy of a window-open's query text; anything else is INVALID_QUERY. */
function parseWindowQuery(text: string): Query | TesseraError {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return new TesseraError(
      'INVALID_QUERY',
      'the window query is not JSON; send { where, orderBy }',
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return new TesseraError(
      'INVALID_QUERY',
      'the window query must be an object { where, orderBy }',
    )
  }
  const extra = Object.keys(parsed).find((key) => key !== 'where' && key !== 'orderBy')
  if (extra !== undefined) {
    return new TesseraError(
      'INVALID_QUERY',
      `the window query has "${extra}"; it takes where and orderBy (the window gives offset and limit)`,
    )
  }
  return parsed
}

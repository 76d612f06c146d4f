// What one connection's windows send (docs/protocol.md §8): the schema when it changes, each
// window's rows, then only what changed, and window errors. Knows the wire messages, not requests.
import type { Column, RowId, TesseraError } from '../../src/index.js'
import { encodeMessage, type DocRows, type WindowHead, type WindowRow } from '../../src/internal.js'
import type { IndexLease, RoomWindows } from './room-windows.js'

/** One open window and what was last sent of it. */
export interface OpenWindow {
  readonly id: number
  readonly lease: IndexLease
  offset: number
  limit: number
  isDirty: boolean
  /** The ids last sent, in order; undefined until the next message must carry every row. */
  sentIds: RowId[] | undefined
  /** Each sent row as bytes-free text, to tell which rows changed. */
  readonly sent: Map<RowId, string>
  sentHead: string
  sentError: string | undefined
  readonly stop: () => void
}

/** The sending side of one connection's windows. */
export interface WindowSender {
  /** Sends a window error for `windowId`. */
  fail(windowId: number, error: TesseraError): void
  /** Sends the schema if it changed, then what changed in each dirty window (S136). */
  flush(open: Iterable<OpenWindow>): void
}

/**
 * A sender to the room whose window side is `windows`, through `send`; a window past
 * `maxColdRows` waits for the full index on a cold query.
 */
export function createWindowSender(
  windows: RoomWindows,
  send: (message: Uint8Array) => void,
  maxColdRows: number,
): WindowSender {
  let sentSchema: string | undefined
  const fail = (windowId: number, error: TesseraError): void => {
    send(
      encodeMessage({ type: 'window-error', windowId, code: error.code, message: error.message }),
    )
  }
  const sendSchema = (columns: readonly Column[], open: readonly OpenWindow[]): void => {
    const text = JSON.stringify(columns.map(({ id, name, type }) => [id, name, type]))
    const defaults = JSON.stringify(columns.map((column) => column.default))
    if (sentSchema === text + defaults) return
    sentSchema = text + defaults
    // Values are sent in the schema's column order: every window sends all its rows again.
    for (const window of open) window.sentIds = undefined
    send(
      encodeMessage({
        type: 'window-schema',
        columns: columns.map(({ id, name, type, default: value }) => ({
          id,
          name,
          type,
          default: value,
        })),
      }),
    )
  }

  const flushWindow = (window: OpenWindow, columns: readonly Column[]): void => {
    window.isDirty = false
    const { index } = window.lease
    if (index.error !== undefined) {
      if (window.sentError !== index.error.message) fail(window.id, index.error)
      window.sentError = index.error.message
      window.sentIds = undefined
      return
    }
    window.sentError = undefined
    const end = window.offset + window.limit
    let ids: RowId[]
    let total: number
    if (index.isReady) {
      ids = index.idsIn(window.offset, end)
      total = index.total
    } else {
      // A cold index answers a window near the top in one pass; the rest waits until it is built.
      if (window.sentIds !== undefined || end > maxColdRows) return
      const top = index.top(end)
      ids = top.ids.slice(window.offset)
      total = top.total
    }
    sendRows(window, ids, total, columns, windows.rows, send)
  }

  return {
    fail,
    flush(open) {
      const all = [...open]
      const columns = windows.rows.columns()
      sendSchema(columns, all)
      for (const window of all) if (window.isDirty) flushWindow(window, columns)
    },
  }
}

const textOf = (row: WindowRow): string => JSON.stringify(row)

const sameIds = (a: readonly RowId[], b: readonly RowId[]): boolean =>
  a.length === b.length && a.every((id, index) => id === b[index])

/** Sends window `window`'s rows `ids` of `total`: all of them, or what changed since last sent. */
function sendRows(
  window: OpenWindow,
  ids: RowId[],
  total: number,
  columns: readonly Column[],
  rowsOf: DocRows,
  send: (message: Uint8Array) => void,
): void {
  const head: WindowHead = {
    offset: window.offset,
    limit: window.limit,
    total,
    maxPosition: rowsOf.maxPosition(),
  }
  const rows = ids.flatMap((id) => rowsOf.windowRowOf(id, columns) ?? [])
  const isFull = window.sentIds === undefined
  const changed = isFull
    ? rows
    : rows.filter((row) => window.sent.get(row.id as RowId) !== textOf(row))
  const isSameIds = !isFull && sameIds(window.sentIds!, ids)
  const headText = JSON.stringify(head)
  if (!isFull && isSameIds && changed.length === 0 && headText === window.sentHead) return
  window.sent.clear()
  for (const row of rows) window.sent.set(row.id as RowId, textOf(row))
  window.sentIds = rows.map((row) => row.id as RowId)
  window.sentHead = headText
  send(
    encodeMessage(
      isFull
        ? { type: 'window-rows', windowId: window.id, head, rows }
        : {
            type: 'window-diff',
            windowId: window.id,
            head,
            ids: isSameIds ? undefined : window.sentIds,
            rows: changed,
          },
    ),
  )
}

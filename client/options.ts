// The options of connectTable, checked once at the door: unknown keys are errors and every
// message names the option and says what to give instead.
import { TesseraError, type ColumnInput } from '../src/index.js'
import {
  checkConnectionTarget,
  checkConnectionTransport,
  type WebSocketClass,
} from './connection-options.js'
import { checkUser, type PresenceUser } from './presence.js'
import type { UndoOptions } from './undo.js'

export type { WebSocketClass } from './connection-options.js'

export interface ConnectTableOptions {
  /** The server's URL, e.g. `ws://127.0.0.1:1234` (`http(s)://` is read as `ws(s)://`). */
  url: string
  /**
   * The table's name: 1–128 characters without `/` or control characters, not `.` or `..`
   * (S115: the server's rule; spaces are fine, the URL carries the name percent-encoded).
   */
  table: string
  /** Sent as the `token` query parameter. */
  token?: string
  /**
   * Keep the table in IndexedDB (default false): it opens and can be queried before any network
   * answer, and edits survive reloads. `{ name }` chooses the IndexedDB database
   * (default `tessera:<url>/<table>`).
   */
  offline?: boolean | { name?: string }
  /** Who this client is in presence; default an anonymous guest with a colour. */
  user?: PresenceUser
  /** The WebSocket class; default `globalThis.WebSocket` (pass `ws`'s in Node 20). */
  WebSocket?: WebSocketClass
  /** Columns to add when missing, once the local copy is loaded (before connecting). */
  columns?: readonly ColumnInput[]
  /** Start online (default true); false starts offline until `connect()`. */
  connect?: boolean
  /** The longest wait between reconnect attempts (exponential backoff); default 2500 ms. */
  maxBackoffMs?: number
  /** Undo grouping; default: every edit is one step. */
  undo?: UndoOptions
}

export interface Settings {
  url: string
  table: string
  token: string | undefined
  storeName: string | undefined
  user: PresenceUser | undefined
  WebSocket: WebSocketClass
  columns: readonly ColumnInput[]
  connect: boolean
  maxBackoffMs: number
  undo: UndoOptions
}

const known = [
  'url',
  'table',
  'token',
  'offline',
  'user',
  'WebSocket',
  'columns',
  'connect',
  'maxBackoffMs',
  'undo',
]

export function checkOptions(options: ConnectTableOptions): Settings {
  const fail = (message: string): never => {
    throw new TesseraError('INVALID_ARGUMENT', `connectTable: ${message}`)
  }
  const trimmed = checkConnectionTarget(options, known, 'connectTable', fail)
  const { WebSocket, maxBackoffMs } = checkConnectionTransport(options, fail)
  const { table, token, offline = false } = options
  if (options.columns !== undefined && !Array.isArray(options.columns))
    fail('columns must be an array of { name, type }')
  const storeName =
    offline === false
      ? undefined
      : offline === true || offline.name === undefined
        ? `tessera:${trimmed}/${table}`
        : offline.name
  return {
    url: trimmed,
    table,
    token,
    storeName,
    user: options.user === undefined ? undefined : checkUser(options.user, 'connectTable'),
    WebSocket,
    columns: options.columns ?? [],
    connect: options.connect ?? true,
    maxBackoffMs,
    undo: options.undo ?? {},
  }
}

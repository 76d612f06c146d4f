// The options of connectQuery, checked once at the door: unknown keys are errors and every message
// names the option and says what to give instead. The query itself is checked by the server.
import { TesseraError, type Query } from '../../src/index.js'
import {
  checkConnectionTarget,
  checkConnectionTransport,
  type WebSocketClass,
} from '../connection-options.js'

/** The options of `connectQuery`. */
export interface ConnectQueryOptions {
  /** The server's URL, e.g. `ws://127.0.0.1:1234` (`http(s)://` is read as `ws(s)://`). */
  url: string
  /** The table's name (S115: 1 to 128 characters without `/` or control characters). */
  table: string
  /** Sent as the `token` query parameter. */
  token?: string
  /** The rows to follow: `{ where, orderBy }` as for liveQuery; default every row, manual order. */
  query?: Pick<Query, 'where' | 'orderBy'>
  /** The first row of the window in the result; default 0. */
  offset?: number
  /** How many rows the window shows: 1 to the server's maximum (1,000 by default); default 50. */
  limit?: number
  /**
   * Keep the window's rows and unsaved edits in IndexedDB (default false): a reload shows them
   * before any network answer and sends the edits. `{ name }` chooses the database (default
   * `tessera-window:<url>/<table>:<query>`).
   */
  offline?: boolean | { name?: string }
  /** The WebSocket class; default `globalThis.WebSocket` (pass `ws`'s in Node 20). */
  WebSocket?: WebSocketClass
  /** The longest wait between reconnect attempts (exponential backoff); default 2500 ms. */
  maxBackoffMs?: number
}

/** The checked options. */
export interface QuerySettings {
  readonly roomUrl: string
  readonly url: string
  readonly query: Pick<Query, 'where' | 'orderBy'>
  /** The IndexedDB database of the offline copy; undefined without one. */
  readonly storeName: string | undefined
  readonly offset: number
  readonly limit: number
  readonly WebSocket: WebSocketClass
  readonly maxBackoffMs: number
}

const known = [
  'url',
  'table',
  'token',
  'query',
  'offset',
  'limit',
  'offline',
  'WebSocket',
  'maxBackoffMs',
]

const fail = (message: string): never => {
  throw new TesseraError('INVALID_ARGUMENT', `connectQuery: ${message}`)
}

/** Checks a window's offset and limit (`where` names the caller). */
export function checkWindow(offset: unknown, limit: unknown, where: string): void {
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > 2 ** 31)
    throw new TesseraError('INVALID_ARGUMENT', `${where}: offset must be an integer from 0 to 2^31`)
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)
    throw new TesseraError('INVALID_ARGUMENT', `${where}: limit must be a positive integer`)
}

/** @throws INVALID_ARGUMENT naming the option that is wrong */
export function checkQueryOptions(options: ConnectQueryOptions): QuerySettings {
  const trimmed = checkConnectionTarget(options, known, 'connectQuery', fail)
  const { table, token, query = {}, offset = 0, limit = 50, offline = false } = options
  if (typeof query !== 'object' || (query as unknown) === null || Array.isArray(query))
    fail('query must be an object { where, orderBy }')
  const extra = Object.keys(query).find((key) => key !== 'where' && key !== 'orderBy')
  if (extra !== undefined)
    fail(
      `query.${extra} is not taken; a window query has where and orderBy (offset and limit are options)`,
    )
  checkWindow(offset, limit, 'connectQuery')
  const { WebSocket, maxBackoffMs } = checkConnectionTransport(options, fail)
  const params = `?mode=window${token === undefined ? '' : `&token=${encodeURIComponent(token)}`}`
  const storeName =
    offline === false
      ? undefined
      : offline === true || offline.name === undefined
        ? `tessera-window:${trimmed}/${table}:${JSON.stringify(query)}`
        : offline.name
  return {
    roomUrl: `${trimmed}/${encodeURIComponent(table)}${params}`,
    url: trimmed,
    query,
    storeName,
    offset,
    limit,
    WebSocket,
    maxBackoffMs,
  }
}

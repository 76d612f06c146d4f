// The options connectTable and connectQuery share, checked at the door the same way: the options
// object and its keys, the server's URL, the table, the token, the offline copy, the WebSocket
// class and the backoff. Each caller names itself in the messages through its `fail`.
import { checkTableName } from '../src/index.js'

/** A WebSocket class: the browser's, or `ws`'s in Node. */
export type WebSocketClass = new (url: string, protocols?: string | string[]) => object

/** Throws INVALID_ARGUMENT with the caller's name before `message`. */
export type Fail = (message: string) => never

/** The options both connect functions take. */
export interface ConnectionOptions {
  url: string
  table: string
  token?: string
  offline?: boolean | { name?: string }
  WebSocket?: WebSocketClass
  maxBackoffMs?: number
}

/**
 * Checks the options object, its keys (`known`), the URL, the table (S115) and the token.
 * Returns the URL as a WebSocket URL without a trailing slash (http(s) is read as ws(s)).
 * @throws INVALID_ARGUMENT through `fail` (checkTableName's own for the table)
 */
export function checkConnectionTarget(
  options: ConnectionOptions,
  known: readonly string[],
  where: string,
  fail: Fail,
): string {
  if (typeof options !== 'object' || (options as unknown) === null) fail('give an options object')
  const unknownKey = Object.keys(options).find((key) => !known.includes(key))
  if (unknownKey !== undefined)
    fail(`unknown option "${unknownKey}"; expected one of ${known.join(', ')}`)
  const { url, table, token } = options
  if (typeof url !== 'string' || !/^(wss?|https?):\/\/[^/]+/.test(url))
    fail(`url must be a ws://, wss://, http:// or https:// URL, got ${JSON.stringify(url)}`)
  checkTableName(table, `${where}: table`) // S115: the one rule for table names
  if (token !== undefined && typeof token !== 'string') fail('token must be a string')
  // An http(s) URL names the same server (the server serves both); WebSocket needs ws(s).
  return url.replace(/\/+$/, '').replace(/^http/, 'ws')
}

/**
 * Checks the offline option, the WebSocket class (default `globalThis.WebSocket`) and the
 * backoff (default 2,500 ms). @throws INVALID_ARGUMENT through `fail`
 */
export function checkConnectionTransport(
  options: ConnectionOptions,
  fail: Fail,
): { WebSocket: WebSocketClass; maxBackoffMs: number } {
  const { offline = false } = options
  if (
    typeof offline !== 'boolean' &&
    (typeof offline !== 'object' || (offline as unknown) === null)
  )
    fail('offline must be true, false or { name }')
  const WebSocketClass =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket
  if (typeof WebSocketClass !== 'function')
    fail('this runtime has no WebSocket; pass one, e.g. { WebSocket } from "ws" in Node 20')
  const maxBackoffMs = options.maxBackoffMs ?? 2500
  if (typeof maxBackoffMs !== 'number' || !(maxBackoffMs > 0))
    fail('maxBackoffMs must be a positive number of milliseconds')
  return { WebSocket: WebSocketClass, maxBackoffMs }
}

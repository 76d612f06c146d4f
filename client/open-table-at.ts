// openTableAt: a read-only Table holding a table as it was at a time, fetched once from the server's
// REST API (`GET /tables/:table/state?at=`). No connection: it never changes after it opens.
import * as Y from 'yjs'
import { createTable, TesseraError, type ErrorCode, type Table } from '../src/index.js'

/** Options of `openTableAt`. */
export interface OpenTableAtOptions {
  /** The server's URL: `http(s)://` or `ws(s)://` (the same server serves both). */
  url: string
  table: string
  /** The time to read the table at: a Date, ms since 1970, or an ISO 8601 string with its zone. */
  at: Date | number | string
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string
  /** The fetch function; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch
}

const known = ['url', 'table', 'at', 'token', 'fetch']

const isoOf = (at: unknown): string => {
  const ms = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Number.NaN
  if (typeof at === 'string') return at
  if (!Number.isFinite(ms)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `openTableAt: at must be a Date, a number of ms or an ISO 8601 string, got ${String(at)}`,
    )
  }
  return new Date(ms).toISOString()
}

/**
 * Opens a table as it was at `at`, read-only: every write method throws FORBIDDEN. It reads the
 * server's history (docs/history.md), so `at` must be within the server's retention.
 * @example
 * const past = await openTableAt({ url: 'http://127.0.0.1:1234', table: 'todos', at: '2026-12-01T10:00:00Z' })
 * past.listRows()
 * @throws INVALID_ARGUMENT for unknown options or a malformed time
 * @throws HISTORY_UNAVAILABLE, TABLE_NOT_FOUND, UNAUTHORIZED, FORBIDDEN as the server answers
 */
export async function openTableAt(options: OpenTableAtOptions): Promise<Table> {
  const unknownKey = Object.keys(options).find((key) => !known.includes(key))
  if (unknownKey !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `openTableAt: unknown option "${unknownKey}"; expected ${known.join(', ')}`,
    )
  }
  const { url, table, token } = options
  if (typeof url !== 'string' || !/^(wss?|https?):\/\/[^/]+/.test(url)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `openTableAt: url must be an http(s) or ws(s) URL, got ${JSON.stringify(url)}`,
    )
  }
  const at = isoOf(options.at)
  const base = url.replace(/\/+$/, '').replace(/^ws/, 'http')
  const address = `${base}/tables/${encodeURIComponent(table)}/state?at=${encodeURIComponent(at)}`
  const fetchFn = options.fetch ?? globalThis.fetch
  const response = await fetchFn(address, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  })
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      { error?: { code?: ErrorCode; message?: string } } | undefined
    throw new TesseraError(
      body?.error?.code ?? 'STORAGE_FAILURE',
      `openTableAt: ${body?.error?.message ?? `the server answered ${response.status}`}`,
    )
  }
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()))
  const past = createTable({ doc })
  past.setWriteGuard((_kind, where) => {
    throw new TesseraError(
      'FORBIDDEN',
      `${where}: this table is read-only, as it was at ${at}; to bring it back, restore it (POST /tables/:table/restore)`,
    )
  })
  return past
}

// The one error class of the public API, its stable codes, and the invariant helpers.
// Knows nothing about transports: the HTTP and close-code mappings live with each transport.

/**
 * Stable error codes. They are API: renaming one is a breaking change. Each is described
 * in docs/errors.md with its HTTP status and WebSocket close code.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_QUERY'
  | 'SCHEMA_VIOLATION'
  | 'TABLE_NOT_FOUND'
  | 'ROW_NOT_FOUND'
  | 'COLUMN_NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'MESSAGE_TOO_LARGE'
  | 'PROTOCOL_ERROR'
  | 'STORAGE_FAILURE'
  | 'CLOSED'
  | 'TOO_MANY_REQUESTS'
  | 'INCOMPLETE_UPDATE'
  | 'ROUTE_NOT_FOUND'
  | 'HISTORY_UNAVAILABLE'

/** Every code, for exhaustive mappings and the docs test. */
export const errorCodes: readonly ErrorCode[] = [
  'INVALID_ARGUMENT',
  'INVALID_QUERY',
  'SCHEMA_VIOLATION',
  'TABLE_NOT_FOUND',
  'ROW_NOT_FOUND',
  'COLUMN_NOT_FOUND',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'MESSAGE_TOO_LARGE',
  'PROTOCOL_ERROR',
  'STORAGE_FAILURE',
  'CLOSED',
  'TOO_MANY_REQUESTS',
  'INCOMPLETE_UPDATE',
  'ROUTE_NOT_FOUND',
  'HISTORY_UNAVAILABLE',
]

/**
 * The only error the public API throws. `code` is stable; `message` says what was wrong
 * and what to do. A foreign error (SQLite, IndexedDB, ws) is kept as `cause`.
 */
export class TesseraError extends Error {
  override readonly name = 'TesseraError'
  readonly code: ErrorCode
  readonly details: unknown

  constructor(code: ErrorCode, message: string, options?: ErrorOptions & { details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options?.details
  }
}

/** True when `error` is a TesseraError, optionally with the given code. */
export function isTesseraError(error: unknown, code?: ErrorCode): error is TesseraError {
  return error instanceof TesseraError && (code === undefined || error.code === code)
}

/** Throws an internal invariant failure. Use for conditions the types cannot express. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`tessera internal invariant failed: ${message}`)
}

/** Makes a switch exhaustive: the compiler rejects a call that a case could reach. */
export function unreachable(value: never): never {
  throw new Error(`tessera internal invariant failed: unexpected value ${String(value)}`)
}

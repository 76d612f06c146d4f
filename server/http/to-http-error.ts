// The one mapping from errors to HTTP responses: ErrorCode → status and `{ error: { code, message } }`.
// Stack traces never leave the server.
import { TesseraError, type ErrorCode } from '../../src/index.js'

/** The HTTP status of each error code (docs/errors.md). */
export const httpStatusOf: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_QUERY: 400,
  SCHEMA_VIOLATION: 422,
  TABLE_NOT_FOUND: 404,
  ROW_NOT_FOUND: 404,
  COLUMN_NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  MESSAGE_TOO_LARGE: 413,
  PROTOCOL_ERROR: 400,
  STORAGE_FAILURE: 503,
  CLOSED: 503,
  TOO_MANY_REQUESTS: 429,
  INCOMPLETE_UPDATE: 409,
  ROUTE_NOT_FOUND: 404,
  HISTORY_UNAVAILABLE: 410,
}

/** The JSON body of an error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string }
}

/** Turns anything thrown by a route (or by express's body parser) into a TesseraError. */
export function toTesseraError(error: unknown): TesseraError {
  if (error instanceof TesseraError) return error
  const parserError = error as { type?: string; status?: number; message?: string }
  if (parserError.type === 'entity.too.large') {
    return new TesseraError(
      'MESSAGE_TOO_LARGE',
      'the request body is larger than the server accepts (option maxMessageBytes); send less per request',
    )
  }
  if (parserError.type === 'entity.parse.failed') {
    return new TesseraError(
      'INVALID_ARGUMENT',
      `the request body is not valid JSON: ${parserError.message ?? ''}`,
    )
  }
  if (
    typeof parserError.status === 'number' &&
    parserError.status >= 400 &&
    parserError.status < 500
  ) {
    return new TesseraError('INVALID_ARGUMENT', parserError.message ?? 'bad request')
  }
  return new TesseraError('STORAGE_FAILURE', 'internal server error; see the server log', {
    cause: error,
  })
}

/** The status and body for an error. */
export function toHttpError(error: TesseraError): { status: number; body: ErrorBody } {
  return {
    status: httpStatusOf[error.code],
    body: { error: { code: error.code, message: error.message } },
  }
}

// The errors a server's notices report (docs/protocol.md §3–5), read the same way by table and
// window clients: its error code when this client knows it, else PROTOCOL_ERROR.
import { TesseraError, type ErrorCode } from '../src/index.js'
import { errorCodes, type WireMessage } from '../src/internal.js'

/** A code from the server, or PROTOCOL_ERROR for one this client does not know. */
export const errorCodeOf = (code: string): ErrorCode =>
  (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'PROTOCOL_ERROR'

/** A notice that reports a failure: a write not saved, an error, a permission denied. */
export type FailureNotice = Extract<
  WireMessage,
  { type: 'not-saved' } | { type: 'error' } | { type: 'permission-denied' }
>

/** The error `notice` reports. */
export function noticeError(notice: FailureNotice): TesseraError {
  switch (notice.type) {
    case 'not-saved':
      return new TesseraError(
        errorCodeOf(notice.code),
        `the server could not save: ${notice.message}`,
      )
    case 'error':
      return new TesseraError(errorCodeOf(notice.code), notice.message)
    case 'permission-denied':
      return new TesseraError('FORBIDDEN', `permission denied: ${notice.reason}`)
  }
}

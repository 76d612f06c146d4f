// WebSocket close codes in both directions: the code a server closes with for an error, and what
// a client makes of a code it receives: which error, and whether reconnecting can help
// (docs/errors.md, docs/protocol.md §6). The one table of close codes; knows no socket.
import type { ErrorCode } from '../errors.js'

/** The close codes a Tessera server sends (docs/protocol.md §6). */
export const CloseCode = {
  /** A close on purpose with nothing wrong (what the client sends when it disconnects). */
  Normal: 1000,
  /** The server is shutting down. */
  GoingAway: 1001,
  /** ws's own close for a frame that breaks WebSocket framing. */
  ProtocolViolation: 1002,
  /** A text frame: only binary frames are accepted. */
  UnsupportedData: 1003,
  MessageTooLarge: 1009,
  ProtocolError: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  TableNotFound: 4404,
  /** The connection stopped reading: its send buffer went over the server's maximum. */
  SlowConsumer: 4408,
  TooManyRequests: 4429,
  StorageFailure: 4500,
} as const

/** What a close code means to a client. */
export interface CloseMeaning {
  /** The error the close reports. */
  readonly code: ErrorCode
  /**
   * True when the same connection may succeed later: the client reconnects by itself, with
   * backoff. False when only a change on the client's side can help (another token, a table
   * that exists, smaller messages): it stays offline until told to connect again.
   */
  readonly isRetryable: boolean
}

const meanings = new Map<number, CloseMeaning>([
  [CloseCode.GoingAway, { code: 'CLOSED', isRetryable: true }],
  [CloseCode.ProtocolViolation, { code: 'PROTOCOL_ERROR', isRetryable: false }],
  [CloseCode.UnsupportedData, { code: 'PROTOCOL_ERROR', isRetryable: false }],
  [CloseCode.MessageTooLarge, { code: 'MESSAGE_TOO_LARGE', isRetryable: false }],
  [CloseCode.ProtocolError, { code: 'PROTOCOL_ERROR', isRetryable: false }],
  [CloseCode.Unauthorized, { code: 'UNAUTHORIZED', isRetryable: false }],
  [CloseCode.Forbidden, { code: 'FORBIDDEN', isRetryable: false }],
  [CloseCode.TableNotFound, { code: 'TABLE_NOT_FOUND', isRetryable: false }],
  [CloseCode.SlowConsumer, { code: 'TOO_MANY_REQUESTS', isRetryable: true }],
  [CloseCode.TooManyRequests, { code: 'TOO_MANY_REQUESTS', isRetryable: true }],
  [CloseCode.StorageFailure, { code: 'STORAGE_FAILURE', isRetryable: true }],
])

/**
 * What a received close code means (S60): every code in `CloseCode` but 1000 has one.
 * Undefined for a normal close and for codes no Tessera server sends (1006 when the network
 * dropped, a proxy's own codes): those report nothing and are retried.
 */
export function closeMeaningOf(closeCode: number): CloseMeaning | undefined {
  return meanings.get(closeCode)
}

/**
 * The close code a server closes a connection with for an error of `code` (S60). The slow
 * reader's 4408 is chosen where it is detected; it reads back as TOO_MANY_REQUESTS too.
 */
export function closeCodeOf(code: ErrorCode): number {
  switch (code) {
    case 'MESSAGE_TOO_LARGE':
      return CloseCode.MessageTooLarge
    case 'UNAUTHORIZED':
      return CloseCode.Unauthorized
    case 'FORBIDDEN':
      return CloseCode.Forbidden
    case 'TABLE_NOT_FOUND':
      return CloseCode.TableNotFound
    case 'STORAGE_FAILURE':
      return CloseCode.StorageFailure
    case 'CLOSED':
      return CloseCode.GoingAway
    case 'TOO_MANY_REQUESTS':
      return CloseCode.TooManyRequests
    case 'INVALID_ARGUMENT':
    case 'INVALID_QUERY':
    case 'SCHEMA_VIOLATION':
    case 'ROW_NOT_FOUND':
    case 'COLUMN_NOT_FOUND':
    case 'PROTOCOL_ERROR':
    case 'INCOMPLETE_UPDATE':
    case 'ROUTE_NOT_FOUND':
    case 'HISTORY_UNAVAILABLE':
      return CloseCode.ProtocolError
  }
}

/** The most UTF-8 bytes a close frame's reason may hold (RFC 6455 §5.5.1). */
export const maxCloseReasonBytes = 123

/** `reason` cut to what a close frame can carry, never inside a character. */
export function cutCloseReason(reason: string): string {
  const encoder = new TextEncoder()
  if (encoder.encode(reason).byteLength <= maxCloseReasonBytes) return reason
  let cut = ''
  let bytes = 0
  for (const char of reason) {
    bytes += encoder.encode(char).byteLength
    if (bytes > maxCloseReasonBytes) break
    cut += char
  }
  return cut
}

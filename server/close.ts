// Closing a WebSocket: the close code each error maps to (docs/errors.md) and a reason cut to
// what a close frame can carry.
import type { WebSocket } from 'ws'
import { CloseCode, type TesseraError } from '../src/index.js'

/** Closes with a reason cut to the 123 bytes a close frame allows. */
export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  let cut = reason
  while (Buffer.byteLength(cut) > 123) cut = cut.slice(0, -1)
  socket.close(code, cut)
}

/** The WebSocket close code of an error (docs/errors.md). */
export function closeCodeOf(error: TesseraError): number {
  switch (error.code) {
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
      return CloseCode.ProtocolError
  }
}

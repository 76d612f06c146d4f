// What a window client does with each message a server sends: dispatched to its handlers,
// notices turned into errors, and what a server may not send refused (docs/protocol.md §8).
import { TesseraError } from '../../src/index.js'
import type { TablePermissions, WireMessage } from '../../src/internal.js'
import { errorCodeOf, noticeError } from '../notice-errors.js'

/** What a window client does with the messages it uses. */
export interface WindowMessageHandlers {
  schema(columns: Extract<WireMessage, { type: 'window-schema' }>['columns']): void
  answer(message: Extract<WireMessage, { type: 'window-rows' | 'window-diff' }>): void
  /** The server refuses the window (window-error). */
  refused(error: TesseraError): void
  saved(requestId: number): void
  /** A notice: not saved, an error, a permission denied. */
  report(error: TesseraError): void
  permissions(permissions: TablePermissions): void
}

/**
 * Hands `message` to its handler; presence and sync messages are ignored.
 * @throws PROTOCOL_ERROR for a message a server may not send
 */
export function dispatchWindowMessage(message: WireMessage, on: WindowMessageHandlers): void {
  switch (message.type) {
    case 'window-schema':
      on.schema(message.columns)
      return
    case 'window-rows':
    case 'window-diff':
      on.answer(message)
      return
    case 'window-error':
      on.refused(new TesseraError(errorCodeOf(message.code), message.message))
      return
    case 'saved':
      on.saved(message.requestId)
      return
    case 'not-saved':
    case 'error':
    case 'permission-denied':
      on.report(noticeError(message))
      return
    case 'permissions':
      on.permissions(message.permissions)
      return
    case 'awareness':
    case 'query-awareness':
    case 'sync-step-1':
    case 'sync-step-2':
    case 'sync-update':
      // Presence, and sync messages a window connection has no use for.
      return
    case 'permissions-request':
    case 'window-open':
    case 'window-move':
    case 'window-close':
      throw new TesseraError('PROTOCOL_ERROR', `a server may not send "${message.type}"`)
  }
}

// Message types and close codes of Tessera's WebSocket protocol (docs/protocol.md). The sync and
// awareness framing is y-protocols'; this module adds the saved acknowledgement and error notices.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { TesseraError, type ErrorCode } from './errors.js'
import { rightKeys, rights, type TablePermissions } from './permissions.js'

/** The first varUint of every message. 0–3 are y-websocket's; 100+ are Tessera's (docs/protocol.md §3). */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  /** client → server: "ack when all I sent before this is durable"; server → client: that ack. */
  Saved: 100,
  /** server → client: what was sent before the request could not be saved. */
  NotSaved: 101,
  /** server → client: a notice that something this connection sent was refused or corrected. */
  Error: 102,
  /** client → server: "what may I do?"; server → client: the connection's permissions. */
  Permissions: 103,
} as const

/** WebSocket close codes (docs/errors.md). 1009 is the standard "message too big". */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  UnsupportedData: 1003,
  MessageTooLarge: 1009,
  InternalError: 1011,
  ProtocolError: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  TableNotFound: 4404,
  TooManyRequests: 4429,
  StorageFailure: 4500,
  /** The connection stopped reading: its send buffer went over the server's maximum. */
  SlowConsumer: 4408,
} as const

export function encodeSaved(requestId: number): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Saved)
  encoding.writeVarUint(encoder, requestId)
  return encoding.toUint8Array(encoder)
}

export function encodeNotSaved(requestId: number, code: ErrorCode, message: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.NotSaved)
  encoding.writeVarUint(encoder, requestId)
  encoding.writeVarString(encoder, code)
  encoding.writeVarString(encoder, message)
  return encoding.toUint8Array(encoder)
}

export function encodeErrorNotice(code: ErrorCode, message: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Error)
  encoding.writeVarString(encoder, code)
  encoding.writeVarString(encoder, message)
  return encoding.toUint8Array(encoder)
}

const permissionBits = rights.map((right) => rightKeys[right])

/** The request a client sends: `varUint(103)`. */
export function encodePermissionsRequest(): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Permissions)
  return encoding.toUint8Array(encoder)
}

/** The answer: `varUint(103) varUint(bits)`: bit 0 read, 1 insert, 2 update, 3 delete, 4 admin. */
export function encodePermissions(permissions: TablePermissions): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Permissions)
  let bits = 0
  permissionBits.forEach((key, bit) => {
    if (permissions[key]) bits |= 1 << bit
  })
  encoding.writeVarUint(encoder, bits)
  return encoding.toUint8Array(encoder)
}

const decodePermissions = (bits: number): TablePermissions => {
  const permissions: Record<string, boolean> = {}
  permissionBits.forEach((key, bit) => {
    permissions[key] = (bits & (1 << bit)) !== 0
  })
  return permissions as unknown as TablePermissions
}

/** A decoded Tessera message (the y-protocols ones are decoded by y-protocols). */
export type TesseraMessage =
  | { type: 'saved'; requestId: number }
  | { type: 'not-saved'; requestId: number; code: string; message: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'permissions'; permissions: TablePermissions }

/**
 * Decodes a Saved, NotSaved, Error or Permissions message; returns undefined for other message types.
 * @throws PROTOCOL_ERROR when the message is truncated or malformed
 */
export function decodeTesseraMessage(bytes: Uint8Array): TesseraMessage | undefined {
  try {
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.Saved:
        return { type: 'saved', requestId: decoding.readVarUint(decoder) }
      case MessageType.NotSaved:
        return {
          type: 'not-saved',
          requestId: decoding.readVarUint(decoder),
          code: decoding.readVarString(decoder),
          message: decoding.readVarString(decoder),
        }
      case MessageType.Error:
        return {
          type: 'error',
          code: decoding.readVarString(decoder),
          message: decoding.readVarString(decoder),
        }
      case MessageType.Permissions:
        return {
          type: 'permissions',
          permissions: decodePermissions(decoding.readVarUint(decoder)),
        }
      default:
        return undefined
    }
  } catch (cause) {
    throw new TesseraError('PROTOCOL_ERROR', 'a Tessera message was truncated or malformed', {
      cause,
    })
  }
}

// Every message of Tessera's WebSocket protocol as plain data, and its one encoder and decoder
// (docs/protocol.md §2). The sync, awareness and auth framing is y-protocols'; knows no socket.
import type * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import * as authProtocol from 'y-protocols/auth'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { TesseraError } from '../errors.js'
import { decodePermissionBits, encodePermissionBits, type TablePermissions } from './permissions.js'
import { readWindowMessage, writeWindowMessage, type WindowMessage } from './window-messages.js'

/**
 * The first varUint of every message. 0–3 are y-websocket's; 100+ are Tessera's (docs/protocol.md
 * §2); the window messages are 104–110 (WindowMessageType, §8).
 */
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

/**
 * One protocol message. Byte payloads are Yjs updates, state vectors and awareness updates,
 * passed through as they are; `code` is an ErrorCode when a Tessera server sent it.
 */
export type WireMessage =
  | { readonly type: 'sync-step-1'; readonly stateVector: Uint8Array }
  | { readonly type: 'sync-step-2'; readonly update: Uint8Array }
  | { readonly type: 'sync-update'; readonly update: Uint8Array }
  | { readonly type: 'awareness'; readonly update: Uint8Array }
  | { readonly type: 'query-awareness' }
  | { readonly type: 'permission-denied'; readonly reason: string }
  | { readonly type: 'saved'; readonly requestId: number }
  | {
      readonly type: 'not-saved'
      readonly requestId: number
      readonly code: string
      readonly message: string
    }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | { readonly type: 'permissions-request' }
  | { readonly type: 'permissions'; readonly permissions: TablePermissions }
  | WindowMessage

/** The `type` of a WireMessage. */
export type WireMessageType = WireMessage['type']

const writeBody = (encoder: encoding.Encoder, message: WireMessage): void => {
  switch (message.type) {
    case 'sync-step-1':
      encoding.writeVarUint(encoder, MessageType.Sync)
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1)
      encoding.writeVarUint8Array(encoder, message.stateVector)
      return
    case 'sync-step-2':
      encoding.writeVarUint(encoder, MessageType.Sync)
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
      encoding.writeVarUint8Array(encoder, message.update)
      return
    case 'sync-update':
      encoding.writeVarUint(encoder, MessageType.Sync)
      syncProtocol.writeUpdate(encoder, message.update)
      return
    case 'awareness':
      encoding.writeVarUint(encoder, MessageType.Awareness)
      encoding.writeVarUint8Array(encoder, message.update)
      return
    case 'query-awareness':
      encoding.writeVarUint(encoder, MessageType.QueryAwareness)
      return
    case 'permission-denied':
      encoding.writeVarUint(encoder, MessageType.Auth)
      authProtocol.writePermissionDenied(encoder, message.reason)
      return
    case 'saved':
      encoding.writeVarUint(encoder, MessageType.Saved)
      encoding.writeVarUint(encoder, message.requestId)
      return
    case 'not-saved':
      encoding.writeVarUint(encoder, MessageType.NotSaved)
      encoding.writeVarUint(encoder, message.requestId)
      encoding.writeVarString(encoder, message.code)
      encoding.writeVarString(encoder, message.message)
      return
    case 'error':
      encoding.writeVarUint(encoder, MessageType.Error)
      encoding.writeVarString(encoder, message.code)
      encoding.writeVarString(encoder, message.message)
      return
    case 'permissions-request':
      encoding.writeVarUint(encoder, MessageType.Permissions)
      return
    case 'permissions':
      encoding.writeVarUint(encoder, MessageType.Permissions)
      encoding.writeVarUint(encoder, encodePermissionBits(message.permissions))
      return
    case 'window-open':
    case 'window-move':
    case 'window-close':
    case 'window-schema':
    case 'window-rows':
    case 'window-diff':
    case 'window-error':
      writeWindowMessage(encoder, message)
  }
}

/**
 * A saved acknowledgement, written without an encoder: the server sends one per acknowledged
 * request, and an encoder allocates a 100-byte buffer and a list to make these 2–9 bytes.
 */
function encodeSaved(requestId: number): Uint8Array {
  const bytes: number[] = [MessageType.Saved]
  let rest = requestId
  // lib0's varUint: 7 bits a byte, low first, the high bit set on every byte but the last.
  while (rest > 0x7f) {
    bytes.push(0x80 | (rest % 0x80))
    rest = Math.floor(rest / 0x80)
  }
  bytes.push(rest)
  return Uint8Array.from(bytes)
}

/**
 * Encodes one message as the bytes of one binary WebSocket frame (docs/protocol.md §2).
 * @example
 * const bytes = encodeMessage({ type: 'saved', requestId: 1 }) // [100, 1]
 */
export function encodeMessage(message: WireMessage): Uint8Array {
  if (message.type === 'saved') return encodeSaved(message.requestId)
  const encoder = encoding.createEncoder()
  writeBody(encoder, message)
  return encoding.toUint8Array(encoder)
}

/** Sync step 1 with `doc`'s state vector (y-protocols' writer): "send me what I lack". */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Sync)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}

/** Sync step 2: what `doc` holds beyond `stateVector` (y-protocols' writer). */
export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Sync)
  syncProtocol.writeSyncStep2(encoder, doc, stateVector)
  return encoding.toUint8Array(encoder)
}

/** True when `message` (encoded) is a sync step 2: what a sync answer is (its first two bytes). */
export function isSyncStep2(message: Uint8Array): boolean {
  return message[0] === MessageType.Sync && message[1] === syncProtocol.messageYjsSyncStep2
}

/** An awareness message with the current states of `clients` (y-protocols' writer). */
export function encodeAwarenessStates(
  awareness: awarenessProtocol.Awareness,
  clients: readonly number[],
): Uint8Array {
  return encodeMessage({
    type: 'awareness',
    update: awarenessProtocol.encodeAwarenessUpdate(awareness, [...clients]),
  })
}

const readSync = (decoder: decoding.Decoder): WireMessage => {
  const step = decoding.readVarUint(decoder)
  const payload = decoding.readVarUint8Array(decoder)
  switch (step) {
    case syncProtocol.messageYjsSyncStep1:
      return { type: 'sync-step-1', stateVector: payload }
    case syncProtocol.messageYjsSyncStep2:
      return { type: 'sync-step-2', update: payload }
    case syncProtocol.messageYjsUpdate:
      return { type: 'sync-update', update: payload }
    default:
      throw new TesseraError('PROTOCOL_ERROR', `unknown sync message type ${step}; expected 0–2`)
  }
}

const readAuth = (decoder: decoding.Decoder): WireMessage => {
  const kind = decoding.readVarUint(decoder)
  if (kind !== authProtocol.messagePermissionDenied) {
    throw new TesseraError('PROTOCOL_ERROR', `unknown auth message type ${kind}; expected 0`)
  }
  return { type: 'permission-denied', reason: decoding.readVarString(decoder) }
}

const readBody = (decoder: decoding.Decoder): WireMessage => {
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.Sync:
      return readSync(decoder)
    case MessageType.Awareness:
      return { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
    case MessageType.Auth:
      return readAuth(decoder)
    case MessageType.QueryAwareness:
      return { type: 'query-awareness' }
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
      // The request is the bare type; the answer carries the bits (docs/protocol.md §5).
      return decoding.hasContent(decoder)
        ? { type: 'permissions', permissions: decodePermissionBits(decoding.readVarUint(decoder)) }
        : { type: 'permissions-request' }
    default: {
      const window = readWindowMessage(type, decoder)
      if (window !== undefined) return window
      throw new TesseraError(
        'PROTOCOL_ERROR',
        `unknown message type ${type}; expected 0–3 (y-websocket) or 100–110 (Tessera)`,
      )
    }
  }
}

/**
 * Decodes the bytes of one frame. Byte payloads are views into `bytes`; bytes after the last
 * field are ignored, as y-protocols does.
 * @throws PROTOCOL_ERROR for an unknown type, a truncated message or a malformed field
 */
export function decodeMessage(bytes: Uint8Array): WireMessage {
  try {
    return readBody(decoding.createDecoder(bytes))
  } catch (cause) {
    if (cause instanceof TesseraError) throw cause
    throw new TesseraError(
      'PROTOCOL_ERROR',
      `a message of ${bytes.byteLength} bytes is truncated or malformed (${String(cause)}); send messages encoded as docs/protocol.md says`,
      { cause },
    )
  }
}

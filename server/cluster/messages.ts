// The messages nodes exchange through the fanout (docs/scaling.md, "Between nodes"): committed
// updates with their store sequence numbers, presence, compaction notices and heartbeats.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { TesseraError } from '../../src/index.js'

/** Message kinds; the first varUint of every message. */
export const NodeMessageType = {
  /** A committed update and its sequence number; an empty update is a tick: "fetch it". */
  Update: 0,
  /** A y-websocket awareness message from a connection of the sending node. */
  Presence: 1,
  /** The sender compacted the table's log up to a sequence number. */
  Compacted: 2,
  /** The sender is alive (on the nodes channel). */
  Heartbeat: 3,
  /** The sender is shutting down: its presence states go now. */
  Leaving: 4,
  /** The sender just loaded the table: nodes serving it answer with their presence states. */
  PresenceQuery: 5,
  /** The sender deleted the table (S210); its store generation is now the one given. */
  Deleted: 6,
} as const

/**
 * A decoded message. An update and a compaction notice name the store generation of the table
 * they belong to (S236); `undefined` when a node of an older version sent it (it has none).
 */
export type NodeMessage =
  | { type: 0; node: string; seq: number; update: Uint8Array; generation?: number | undefined }
  | { type: 1; node: string; presence: Uint8Array }
  | { type: 2; node: string; seq: number; generation?: number | undefined }
  | { type: 6; node: string; generation: number }
  | { type: 3 | 4 | 5; node: string }

/** Encodes a message: varUint(type) varString(node) then the body of its type. */
export function encodeNodeMessage(message: NodeMessage): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, message.type)
  encoding.writeVarString(encoder, message.node)
  switch (message.type) {
    case NodeMessageType.Update:
      encoding.writeVarUint(encoder, message.seq)
      encoding.writeVarUint8Array(encoder, message.update)
      // Last, so a node of an older version reads the message as before (S236).
      encoding.writeVarUint(encoder, message.generation ?? 0)
      break
    case NodeMessageType.Presence:
      encoding.writeVarUint8Array(encoder, message.presence)
      break
    case NodeMessageType.Compacted:
      encoding.writeVarUint(encoder, message.seq)
      encoding.writeVarUint(encoder, message.generation ?? 0)
      break
    case NodeMessageType.Deleted:
      encoding.writeVarUint(encoder, message.generation)
      break
    case NodeMessageType.Heartbeat:
    case NodeMessageType.Leaving:
    case NodeMessageType.PresenceQuery:
      break
  }
  return encoding.toUint8Array(encoder)
}

/** S236: the generation that ends a message; none from a node of an older version. */
const readGeneration = (decoder: decoding.Decoder): number | undefined =>
  decoding.hasContent(decoder) ? decoding.readVarUint(decoder) : undefined

/**
 * Decodes a message.
 * @throws PROTOCOL_ERROR for bytes that are not one (another program on the same channels)
 */
export function decodeNodeMessage(bytes: Uint8Array): NodeMessage {
  try {
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    const node = decoding.readVarString(decoder)
    switch (type) {
      case NodeMessageType.Update:
        return {
          type,
          node,
          seq: decoding.readVarUint(decoder),
          update: decoding.readVarUint8Array(decoder),
          generation: readGeneration(decoder),
        }
      case NodeMessageType.Presence:
        return { type, node, presence: decoding.readVarUint8Array(decoder) }
      case NodeMessageType.Compacted:
        return {
          type,
          node,
          seq: decoding.readVarUint(decoder),
          generation: readGeneration(decoder),
        }
      case NodeMessageType.Deleted:
        return { type, node, generation: decoding.readVarUint(decoder) }
      case NodeMessageType.Heartbeat:
      case NodeMessageType.Leaving:
      case NodeMessageType.PresenceQuery:
        return { type, node }
      default:
        throw new Error(`unknown message type ${type}`)
    }
  } catch (cause) {
    throw new TesseraError(
      'PROTOCOL_ERROR',
      `a message between nodes is malformed (${String(cause)}); is another program publishing on Tessera's channels?`,
      { cause },
    )
  }
}

/** Client ids in an awareness message (varUint(1) varUint8Array(update)), each with whether it is present. */
export function presenceClients(message: Uint8Array): { id: number; isPresent: boolean }[] {
  const decoder = decoding.createDecoder(message)
  decoding.readVarUint(decoder)
  const update = decoding.createDecoder(decoding.readVarUint8Array(decoder))
  const clients: { id: number; isPresent: boolean }[] = []
  for (let count = decoding.readVarUint(update); count > 0; count--) {
    const id = decoding.readVarUint(update)
    decoding.readVarUint(update)
    clients.push({ id, isPresent: decoding.readVarString(update) !== 'null' })
  }
  return clients
}

// The window messages of the wire protocol (docs/protocol.md §8): a client opens, moves and
// closes windows of a query; the server answers with the schema, the window's rows (plain values
// plus the Yjs ids a client needs to write) and diffs. Encoding only; knows no table or socket.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { TesseraError } from '../errors.js'

/** The Yjs id of one struct: the client that made it and its clock. */
export interface ItemId {
  readonly client: number
  readonly clock: number
}

/** The last Yjs item of one override key of a row (column id "" is the position). */
export interface KeyRef {
  readonly column: string
  readonly item: ItemId
  /** False when that item was deleted (the key has history but no value). */
  readonly isAlive: boolean
}

/** One row of a window as the server sends it: what it shows and what a write must name. */
export interface WindowRow {
  readonly id: string
  /** The Yjs item holding the row's value. */
  readonly item: ItemId
  /** The row's incarnation, as stored (a number in data format 1, a short string in format 2). */
  readonly incarnation: unknown
  readonly position: string
  /** The keys of the row's overrides that have any Yjs item, live or deleted. */
  readonly keys: readonly KeyRef[]
  /**
   * A packed row's (data format 2) override slot for each column of the last schema message, in
   * its order: 1 + the cell's place in the row's shape, or 0 for a loose key. Empty in format 1.
   */
  readonly slots: readonly number[]
  /** One value per column of the last schema message, in its order. */
  readonly values: readonly unknown[]
}

/** A column as the window schema message carries it. */
export interface WindowColumn {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly default: unknown
}

/** Where a window message stands: the window it answers, the total and the greatest position. */
export interface WindowHead {
  readonly offset: number
  readonly limit: number
  readonly total: number
  /** The greatest row position the server has seen ("" for none): where appends go. */
  readonly maxPosition: string
}

/** The window messages (types 104–110), as WireMessage cases. */
export type WindowMessage =
  | {
      readonly type: 'window-open'
      readonly windowId: number
      /** `{ where, orderBy }` as JSON text (docs/queries.md). */
      readonly query: string
      readonly offset: number
      readonly limit: number
    }
  | {
      readonly type: 'window-move'
      readonly windowId: number
      readonly offset: number
      readonly limit: number
    }
  | { readonly type: 'window-close'; readonly windowId: number }
  | { readonly type: 'window-schema'; readonly columns: readonly WindowColumn[] }
  | {
      readonly type: 'window-rows'
      readonly windowId: number
      readonly head: WindowHead
      readonly rows: readonly WindowRow[]
    }
  | {
      readonly type: 'window-diff'
      readonly windowId: number
      readonly head: WindowHead
      /** The window's row ids in order, when its membership or order changed. */
      readonly ids: readonly string[] | undefined
      /** Rows new to the window or changed since the last message. */
      readonly rows: readonly WindowRow[]
    }
  | {
      readonly type: 'window-error'
      readonly windowId: number
      readonly code: string
      readonly message: string
    }

/** The message type numbers of the window messages. */
export const WindowMessageType = {
  Open: 104,
  Move: 105,
  Close: 106,
  Schema: 107,
  Rows: 108,
  Diff: 109,
  Error: 110,
} as const

const writeId = (encoder: encoding.Encoder, id: ItemId): void => {
  encoding.writeVarUint(encoder, id.client)
  encoding.writeVarUint(encoder, id.clock)
}

const writeHead = (encoder: encoding.Encoder, head: WindowHead): void => {
  encoding.writeVarUint(encoder, head.offset)
  encoding.writeVarUint(encoder, head.limit)
  encoding.writeVarUint(encoder, head.total)
  encoding.writeVarString(encoder, head.maxPosition)
}

const writeRow = (encoder: encoding.Encoder, row: WindowRow): void => {
  encoding.writeVarString(encoder, row.id)
  writeId(encoder, row.item)
  encoding.writeAny(encoder, row.incarnation as never)
  encoding.writeVarString(encoder, row.position)
  encoding.writeVarUint(encoder, row.keys.length)
  for (const key of row.keys) {
    encoding.writeVarString(encoder, key.column)
    writeId(encoder, key.item)
    encoding.writeVarUint(encoder, key.isAlive ? 1 : 0)
  }
  encoding.writeVarUint(encoder, row.slots.length)
  for (const slot of row.slots) encoding.writeVarUint(encoder, slot)
  encoding.writeVarUint(encoder, row.values.length)
  for (const value of row.values) encoding.writeAny(encoder, value as never)
}

const writeRows = (encoder: encoding.Encoder, rows: readonly WindowRow[]): void => {
  encoding.writeVarUint(encoder, rows.length)
  for (const row of rows) writeRow(encoder, row)
}

/** Writes a window message (type and payload) to `encoder`. */
export function writeWindowMessage(encoder: encoding.Encoder, message: WindowMessage): void {
  switch (message.type) {
    case 'window-open':
      encoding.writeVarUint(encoder, WindowMessageType.Open)
      encoding.writeVarUint(encoder, message.windowId)
      encoding.writeVarString(encoder, message.query)
      encoding.writeVarUint(encoder, message.offset)
      encoding.writeVarUint(encoder, message.limit)
      return
    case 'window-move':
      encoding.writeVarUint(encoder, WindowMessageType.Move)
      encoding.writeVarUint(encoder, message.windowId)
      encoding.writeVarUint(encoder, message.offset)
      encoding.writeVarUint(encoder, message.limit)
      return
    case 'window-close':
      encoding.writeVarUint(encoder, WindowMessageType.Close)
      encoding.writeVarUint(encoder, message.windowId)
      return
    case 'window-schema':
      encoding.writeVarUint(encoder, WindowMessageType.Schema)
      encoding.writeVarUint(encoder, message.columns.length)
      for (const column of message.columns) {
        encoding.writeVarString(encoder, column.id)
        encoding.writeVarString(encoder, column.name)
        encoding.writeVarString(encoder, column.type)
        encoding.writeAny(encoder, column.default as never)
      }
      return
    case 'window-rows':
      encoding.writeVarUint(encoder, WindowMessageType.Rows)
      encoding.writeVarUint(encoder, message.windowId)
      writeHead(encoder, message.head)
      writeRows(encoder, message.rows)
      return
    case 'window-diff':
      encoding.writeVarUint(encoder, WindowMessageType.Diff)
      encoding.writeVarUint(encoder, message.windowId)
      writeHead(encoder, message.head)
      encoding.writeVarUint(encoder, message.ids === undefined ? 0 : 1)
      if (message.ids !== undefined) {
        encoding.writeVarUint(encoder, message.ids.length)
        for (const id of message.ids) encoding.writeVarString(encoder, id)
      }
      writeRows(encoder, message.rows)
      return
    case 'window-error':
      encoding.writeVarUint(encoder, WindowMessageType.Error)
      encoding.writeVarUint(encoder, message.windowId)
      encoding.writeVarString(encoder, message.code)
      encoding.writeVarString(encoder, message.message)
      return
  }
}

/** Reads `count` items, refusing a count larger than the bytes left could hold. */
const readList = <T>(decoder: decoding.Decoder, read: () => T): T[] => {
  const count = decoding.readVarUint(decoder)
  if (count > decoder.arr.length - decoder.pos) {
    throw new TesseraError('PROTOCOL_ERROR', `a list of ${count} items is longer than its message`)
  }
  const items: T[] = []
  for (let index = 0; index < count; index++) items.push(read())
  return items
}

const readId = (decoder: decoding.Decoder): ItemId => ({
  client: decoding.readVarUint(decoder),
  clock: decoding.readVarUint(decoder),
})

const readHead = (decoder: decoding.Decoder): WindowHead => ({
  offset: decoding.readVarUint(decoder),
  limit: decoding.readVarUint(decoder),
  total: decoding.readVarUint(decoder),
  maxPosition: decoding.readVarString(decoder),
})

const readRow = (decoder: decoding.Decoder): WindowRow => ({
  id: decoding.readVarString(decoder),
  item: readId(decoder),
  incarnation: decoding.readAny(decoder),
  position: decoding.readVarString(decoder),
  keys: readList(decoder, () => ({
    column: decoding.readVarString(decoder),
    item: readId(decoder),
    isAlive: decoding.readVarUint(decoder) === 1,
  })),
  slots: readList(decoder, () => decoding.readVarUint(decoder)),
  values: readList(decoder, () => decoding.readAny(decoder) as unknown),
})

const readColumn = (decoder: decoding.Decoder): WindowColumn => ({
  id: decoding.readVarString(decoder),
  name: decoding.readVarString(decoder),
  type: decoding.readVarString(decoder),
  default: decoding.readAny(decoder) as unknown,
})

/** Reads the payload of window message `type` (104–110); undefined for another type. */
export function readWindowMessage(
  type: number,
  decoder: decoding.Decoder,
): WindowMessage | undefined {
  switch (type) {
    case WindowMessageType.Open:
      return {
        type: 'window-open',
        windowId: decoding.readVarUint(decoder),
        query: decoding.readVarString(decoder),
        offset: decoding.readVarUint(decoder),
        limit: decoding.readVarUint(decoder),
      }
    case WindowMessageType.Move:
      return {
        type: 'window-move',
        windowId: decoding.readVarUint(decoder),
        offset: decoding.readVarUint(decoder),
        limit: decoding.readVarUint(decoder),
      }
    case WindowMessageType.Close:
      return { type: 'window-close', windowId: decoding.readVarUint(decoder) }
    case WindowMessageType.Schema:
      return { type: 'window-schema', columns: readList(decoder, () => readColumn(decoder)) }
    case WindowMessageType.Rows:
      return {
        type: 'window-rows',
        windowId: decoding.readVarUint(decoder),
        head: readHead(decoder),
        rows: readList(decoder, () => readRow(decoder)),
      }
    case WindowMessageType.Diff: {
      const windowId = decoding.readVarUint(decoder)
      const head = readHead(decoder)
      const hasIds = decoding.readVarUint(decoder) === 1
      const ids = hasIds ? readList(decoder, () => decoding.readVarString(decoder)) : undefined
      return {
        type: 'window-diff',
        windowId,
        head,
        ids,
        rows: readList(decoder, () => readRow(decoder)),
      }
    }
    case WindowMessageType.Error:
      return {
        type: 'window-error',
        windowId: decoding.readVarUint(decoder),
        code: decoding.readVarString(decoder),
        message: decoding.readVarString(decoder),
      }
    default:
      return undefined
  }
}

// The wire module: decode(encode(m)) equals m for every message kind, arbitrary bytes decode or
// throw PROTOCOL_ERROR and nothing else (STYLE 2.5.7), and the y-protocols framing is kept.
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import { isTesseraError } from '../../src/index.js'
import {
  decodeMessage,
  encodeAwarenessStates,
  encodeMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  errorCodes,
  MessageType,
  type WireMessage,
  type WireMessageType,
} from '../../src/internal.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 500)

const bytes = fc.uint8Array({ maxLength: 48 })
const text = fc.string({ unit: 'grapheme', maxLength: 40 })
const requestId = fc.oneof(fc.nat(), fc.maxSafeNat())
const code = fc.oneof(fc.constantFrom(...errorCodes), text)
const count = fc.oneof(fc.nat(), fc.maxSafeNat())
// lib0's writeAny: JSON values (integers, doubles, strings, booleans, null, arrays, objects).
// Its readAny builds objects by assignment, so a "__proto__" key is not carried; Yjs decodes
// cell values the same way, so no table holds one and no window row can carry one.
const value = fc
  .jsonValue({ maxDepth: 2 })
  .map((json) => JSON.parse(JSON.stringify(json)) as unknown)
  .filter((json) => !JSON.stringify(json).includes('"__proto__"'))
const itemId = fc.record({ client: fc.nat(), clock: count })
const windowRow = fc.record({
  id: text,
  item: itemId,
  incarnation: fc.oneof(fc.nat(), text),
  position: text,
  keys: fc.array(fc.record({ column: text, item: itemId, isAlive: fc.boolean() }), {
    maxLength: 3,
  }),
  slots: fc.array(fc.nat(127), { maxLength: 4 }),
  values: fc.array(value, { maxLength: 4 }),
})
const head = fc.record({ offset: count, limit: count, total: count, maxPosition: text })
const windowRows = fc.array(windowRow, { maxLength: 3 })

/** One arbitrary per message kind: adding a kind without one fails to compile. */
const arbitraries: Record<WireMessageType, fc.Arbitrary<WireMessage>> = {
  'sync-step-1': bytes.map((stateVector) => ({ type: 'sync-step-1', stateVector })),
  'sync-step-2': bytes.map((update) => ({ type: 'sync-step-2', update })),
  'sync-update': bytes.map((update) => ({ type: 'sync-update', update })),
  awareness: bytes.map((update) => ({ type: 'awareness', update })),
  'query-awareness': fc.constant({ type: 'query-awareness' }),
  'permission-denied': text.map((reason) => ({ type: 'permission-denied', reason })),
  saved: requestId.map((id) => ({ type: 'saved', requestId: id })),
  'not-saved': fc
    .tuple(requestId, code, text)
    .map(([id, c, message]) => ({ type: 'not-saved', requestId: id, code: c, message })),
  error: fc.tuple(code, text).map(([c, message]) => ({ type: 'error', code: c, message })),
  'permissions-request': fc.constant({ type: 'permissions-request' }),
  permissions: fc
    .tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean())
    .map(([canRead, canInsertRows, canUpdateRows, canDeleteRows, canAdminister]) => ({
      type: 'permissions',
      permissions: { canRead, canInsertRows, canUpdateRows, canDeleteRows, canAdminister },
    })),
  'window-open': fc.tuple(count, text, count, count).map(([windowId, query, offset, limit]) => ({
    type: 'window-open',
    windowId,
    query,
    offset,
    limit,
  })),
  'window-move': fc
    .tuple(count, count, count)
    .map(([windowId, offset, limit]) => ({ type: 'window-move', windowId, offset, limit })),
  'window-close': count.map((windowId) => ({ type: 'window-close', windowId })),
  'window-schema': fc
    .array(fc.record({ id: text, name: text, type: text, default: value }), { maxLength: 4 })
    .map((columns) => ({ type: 'window-schema', columns })),
  'window-rows': fc
    .tuple(count, head, windowRows)
    .map(([windowId, h, rows]) => ({ type: 'window-rows', windowId, head: h, rows })),
  'window-diff': fc
    .tuple(count, head, fc.option(fc.array(text, { maxLength: 4 }), { nil: undefined }), windowRows)
    .map(([windowId, h, ids, rows]) => ({ type: 'window-diff', windowId, head: h, ids, rows })),
  'window-error': fc
    .tuple(count, code, text)
    .map(([windowId, c, message]) => ({ type: 'window-error', windowId, code: c, message })),
}
const anyMessage = fc.oneof(...Object.values(arbitraries))

const expectProtocolError = (input: Uint8Array): void => {
  try {
    decodeMessage(input)
  } catch (error) {
    expect(isTesseraError(error, 'PROTOCOL_ERROR')).toBe(true)
  }
}

describe('wire messages', () => {
  test.prop([anyMessage], { numRuns })('S63: decode(encode(m)) equals m', (message) => {
    expect(decodeMessage(encodeMessage(message))).toEqual(message)
  })

  test.prop([fc.uint8Array({ maxLength: 64 })], { numRuns })(
    'S63: arbitrary bytes decode or fail with PROTOCOL_ERROR',
    expectProtocolError,
  )

  test.prop([anyMessage, fc.nat(), fc.integer({ min: 0, max: 255 })], { numRuns })(
    'S63: a truncated or bit-flipped message decodes or fails with PROTOCOL_ERROR',
    (message, at, value) => {
      const encoded = encodeMessage(message)
      expectProtocolError(encoded.subarray(0, at % (encoded.byteLength + 1)))
      const flipped = encoded.slice()
      flipped[at % flipped.byteLength] = value
      expectProtocolError(flipped)
    },
  )

  it('S63: unknown types name what is expected', () => {
    expect(() => decodeMessage(new Uint8Array([7]))).toThrow(/unknown message type 7; expected/)
    expect(() => decodeMessage(new Uint8Array([0, 3, 0]))).toThrow(/unknown sync message type 3/)
    expect(() => decodeMessage(new Uint8Array([2, 1]))).toThrow(/unknown auth message type 1/)
    expect(() => decodeMessage(new Uint8Array([100]))).toThrow(/truncated or malformed/)
  })

  it('S63: keeps y-protocols framing byte for byte, so stock y-websocket peers understand it', () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('k', 'v')
    const stock = (write: (encoder: encoding.Encoder) => void): Uint8Array => {
      const encoder = encoding.createEncoder()
      write(encoder)
      return encoding.toUint8Array(encoder)
    }
    expect(encodeSyncStep1(doc)).toEqual(
      stock((encoder) => {
        encoding.writeVarUint(encoder, MessageType.Sync)
        syncProtocol.writeSyncStep1(encoder, doc)
      }),
    )
    const vector = Y.encodeStateVector(new Y.Doc())
    expect(encodeSyncStep2(doc, vector)).toEqual(
      stock((encoder) => {
        encoding.writeVarUint(encoder, MessageType.Sync)
        syncProtocol.writeSyncStep2(encoder, doc, vector)
      }),
    )
    const update = Y.encodeStateAsUpdate(doc)
    expect(encodeMessage({ type: 'sync-update', update })).toEqual(
      stock((encoder) => {
        encoding.writeVarUint(encoder, MessageType.Sync)
        syncProtocol.writeUpdate(encoder, update)
      }),
    )
    const awareness = new awarenessProtocol.Awareness(doc)
    awareness.setLocalState({ user: 'ada' })
    expect(encodeAwarenessStates(awareness, [doc.clientID])).toEqual(
      stock((encoder) => {
        encoding.writeVarUint(encoder, MessageType.Awareness)
        encoding.writeVarUint8Array(
          encoder,
          awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]),
        )
      }),
    )
    awareness.destroy()
    // Tessera's own messages, as docs/protocol.md §2 spells them.
    expect([...encodeMessage({ type: 'saved', requestId: 300 })]).toEqual([100, 0xac, 0x02])
    expect([...encodeMessage({ type: 'permissions-request' })]).toEqual([103])
    expect([...encodeMessage({ type: 'query-awareness' })]).toEqual([3])
  })

  it('S63: ignores bytes after the last field, as y-protocols does', () => {
    expect(decodeMessage(new Uint8Array([3, 0, 0, 0]))).toEqual({ type: 'query-awareness' })
    expect(decodeMessage(new Uint8Array([100, 5, 9]))).toEqual({ type: 'saved', requestId: 5 })
  })

  it('S57: the permissions answer ignores rights it does not know', () => {
    const bits = 2 ** 40 + 32 + 1 + 16
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.Permissions)
    encoding.writeVarUint(encoder, bits)
    expect(decodeMessage(encoding.toUint8Array(encoder))).toEqual({
      type: 'permissions',
      permissions: {
        canRead: true,
        canInsertRows: false,
        canUpdateRows: false,
        canDeleteRows: false,
        canAdminister: true,
      },
    })
  })
})

// Generators of hostile frames for the protocol fuzz test: random bytes, truncated and bit-flipped
// valid updates, huge length prefixes, deep and enormous values, text, wrong message types.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { createTable } from '../../src/index.js'
import { MessageType } from '../../src/internal.js'

/** A seeded generator (mulberry32): the same seed gives the same frames. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state)
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }
}

const message = (write: (encoder: encoding.Encoder) => void): Uint8Array => {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/** A sync update message (0, 2, update). */
export const syncUpdate = (update: Uint8Array): Uint8Array =>
  message((encoder) => {
    encoding.writeVarUint(encoder, MessageType.Sync)
    encoding.writeVarUint(encoder, 2)
    encoding.writeVarUint8Array(encoder, update)
  })

/** Valid updates of a Tessera table, the raw material that is cut and flipped. */
const validUpdates = (random: () => number): Uint8Array[] => {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const table = createTable({
    doc,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
    ],
  })
  for (let index = 0; index < 100; index++) {
    const id = table.insertRow({ title: `row ${index}`, n: index })
    if (random() < 0.3) table.setCell(id, 'n', random())
  }
  updates.push(Y.encodeStateAsUpdate(doc))
  return updates
}

const nested = (depth: number): Uint8Array => {
  const doc = new Y.Doc()
  let value: unknown = 'leaf'
  for (let level = 0; level < depth; level++) value = { v: [value] }
  doc.getArray('deep').insert(0, [value])
  return Y.encodeStateAsUpdate(doc)
}

const manyStructs = (count: number): Uint8Array => {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (let index = 0; index < count; index++) doc.getMap('many').set(`k${index}`, index)
  })
  return Y.encodeStateAsUpdate(doc)
}

/** The kinds of frames, each with the close codes it may earn (or none: it may be accepted). */
export const frameKinds = [
  'random-bytes',
  'truncated-update',
  'bit-flipped-update',
  'huge-length',
  'deep-value',
  'many-structs',
  'enormous-frame',
  'text',
  'wrong-type',
  'garbage-awareness',
  'garbage-state-vector',
  'valid-update',
] as const
export type FrameKind = (typeof frameKinds)[number]

/** Creates a frame generator; `maxMessageBytes` is the server's, `maxUpdateStructs` too. */
export function createFrames(seed: number, maxMessageBytes: number, maxUpdateStructs: number) {
  const random = createRandom(seed)
  const int = (below: number): number => Math.floor(random() * below)
  const bytes = (length: number): Uint8Array => Uint8Array.from({ length }, () => int(256))
  const pool = validUpdates(random)
  const pick = (): Uint8Array => pool[int(pool.length)]!
  const deep = syncUpdate(nested(200))
  const many = syncUpdate(manyStructs(maxUpdateStructs + 10))
  const enormous = new Uint8Array(maxMessageBytes + 1)
  const generators: Record<FrameKind, () => Uint8Array | string> = {
    'random-bytes': () => bytes(int(200)),
    'truncated-update': () => {
      const update = pick()
      return syncUpdate(update.subarray(0, int(update.byteLength)))
    },
    'bit-flipped-update': () => {
      const update = pick().slice()
      for (let flips = 1 + int(3); flips > 0; flips--) update[int(update.length)]! ^= 1 << int(8)
      return syncUpdate(update)
    },
    'huge-length': () =>
      message((encoder) => {
        encoding.writeVarUint(encoder, int(2) === 0 ? MessageType.Sync : MessageType.Awareness)
        if (random() < 0.5) encoding.writeVarUint(encoder, 2)
        encoding.writeVarUint(encoder, [2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1][int(3)]!)
        encoding.writeUint8Array(encoder, bytes(int(20)))
      }),
    'deep-value': () => deep,
    'many-structs': () => many,
    'enormous-frame': () => enormous,
    text: () => String.fromCharCode(...bytes(int(50))),
    'wrong-type': () =>
      message((encoder) => {
        encoding.writeVarUint(encoder, [2, 4, 5, 99, 103, 2 ** 20][int(6)]!)
        encoding.writeUint8Array(encoder, bytes(int(30)))
      }),
    'garbage-awareness': () =>
      message((encoder) => {
        encoding.writeVarUint(encoder, MessageType.Awareness)
        encoding.writeVarUint8Array(encoder, bytes(int(60)))
      }),
    'garbage-state-vector': () =>
      message((encoder) => {
        encoding.writeVarUint(encoder, MessageType.Sync)
        encoding.writeVarUint(encoder, 0)
        encoding.writeVarUint8Array(encoder, bytes(int(40)))
      }),
    'valid-update': () => syncUpdate(pick()),
  }
  // The heavy frames are rare: they test a limit, not throughput.
  const weights: [FrameKind, number][] = [
    ['random-bytes', 20],
    ['truncated-update', 15],
    ['bit-flipped-update', 25],
    ['huge-length', 8],
    ['deep-value', 2],
    ['many-structs', 1],
    ['enormous-frame', 1],
    ['text', 5],
    ['wrong-type', 8],
    ['garbage-awareness', 8],
    ['garbage-state-vector', 5],
    ['valid-update', 2],
  ]
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0)
  return (): { kind: FrameKind; frame: Uint8Array | string } => {
    let roll = random() * total
    for (const [kind, weight] of weights) {
      roll -= weight
      if (roll < 0) return { kind, frame: generators[kind]() }
    }
    return { kind: 'random-bytes', frame: generators['random-bytes']() }
  }
}

// The floor of "decode + open a replica" (issue 16 item 4) for layout.bench.ts: what opening a
// replica costs when Yjs alone decodes the state Tessera stores (data format 3: a `{ s, i, p, b }`
// value per row in `rows` and the rows' first values in `v`), beside the raw JSON rows peer and
// Tessera itself, in one loop whose ways take turns. Not a peer: the rungs between the peer and
// Tessera, so a reader sees which part of the gap is the format's decode, which the least any
// row index costs, and which Tessera's own open.
import * as Y from 'yjs'
import { heapUsed } from './report.js'
import { layouts, rowOf, tessera, type Layout } from './layouts.js'

/** One way of opening a replica: decoding `encoded`, then the opening (timed apart). */
interface Way {
  readonly name: string
  readonly encoded: Uint8Array
  open(doc: Y.Doc): void
}

/** The stored state of `rowCount` rows inserted through `layout` (rows carry ids for Tessera). */
function storedState(layout: Layout, ids: string[]): Uint8Array {
  const doc = new Y.Doc()
  layout.open(doc)
  layout.insert(
    doc,
    ids,
    ids.map((id, index) => (layout === tessera ? { id, ...rowOf(index) } : rowOf(index))),
  )
  return Y.encodeStateAsUpdate(doc)
}

/**
 * The rows of the floor table: for each way, the best of `rounds` turns (decode, open, both, and
 * the process CPU time of both), and its decode + open over the JSON rows peer's. Each turn starts
 * after a full collection, so no way pays for the garbage of the one before it.
 */
export function measureOpenFloor(rowCount: number, rounds: number): (string | number)[][] {
  const ids = Array.from(
    { length: rowCount },
    (_, index) => `row-${index.toString(36).padStart(6, '0')}`,
  )
  const json = layouts.find((layout) => layout.key === 'json')!
  const jsonState = storedState(json, ids)
  const tesseraState = storedState(tessera, ids)
  const ways: Way[] = [
    { name: json.name, encoded: jsonState, open: (doc) => json.open(doc) },
    {
      name: "floor: raw Yjs decoding Tessera's stored state (format 3 rows and `v`), nothing opened",
      encoded: tesseraState,
      open(doc) {
        doc.getMap('rows')
        doc.getArray('v')
      },
    },
    {
      name: 'floor + the least row index: a Map of row id → stored row value',
      encoded: tesseraState,
      open(doc) {
        doc.getArray('v')
        const index = new Map<string, unknown>()
        doc.getMap('rows').forEach((value, id) => index.set(id, value))
        if (index.size !== rowCount) throw new Error('the floor lost rows')
      },
    },
    {
      name: '**Tessera** (createTable on the decoded doc)',
      encoded: tesseraState,
      open: (doc) => {
        if (tessera.size(doc) !== rowCount) throw new Error('Tessera lost rows')
      },
    },
  ]
  const best = ways.map(() => ({ decode: Infinity, open: Infinity, both: Infinity, cpu: Infinity }))
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < ways.length; turn++) {
      // The ways take turns, each round starting one further along.
      const at = (round + turn) % ways.length
      const way = ways[at]!
      heapUsed()
      const doc = new Y.Doc()
      const cpu = process.cpuUsage()
      const start = performance.now()
      Y.applyUpdate(doc, way.encoded)
      const decoded = performance.now()
      way.open(doc)
      const end = performance.now()
      const used = process.cpuUsage(cpu)
      const figures = best[at]!
      figures.decode = Math.min(figures.decode, decoded - start)
      figures.open = Math.min(figures.open, end - decoded)
      figures.both = Math.min(figures.both, end - start)
      figures.cpu = Math.min(figures.cpu, (used.user + used.system) / 1000)
    }
  }
  const peer = best[0]!
  return ways.map((way, at) => {
    const { decode, open, both, cpu } = best[at]!
    return [
      way.name,
      decode.toFixed(0),
      open.toFixed(1),
      both.toFixed(0),
      cpu.toFixed(0),
      `${(both / peer.both).toFixed(2)}× / ${(cpu / peer.cpu).toFixed(2)}×`,
    ]
  })
}

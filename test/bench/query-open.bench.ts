// Opening a live query (filter + sort + limit 50) beside a plain scan and sort of the same rows
// in raw Yjs (a JSON row per Y.Map entry, a Y.Map per row), on the same replica state.
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, type Query, type Row } from '../../src/index.js'
import { report, time } from './report.js'

const sizes = (process.env.TESSERA_BENCH_SIZES ?? '10000,100000').split(',').map(Number)
const repeats = Number(process.env.TESSERA_BENCH_REPEATS || 5)
const query: Query = {
  where: { done: false },
  orderBy: [
    ['priority', 'desc'],
    ['score', 'asc'],
  ],
  limit: 50,
}

interface Input {
  id: string
  title: string
  priority: number
  score: number
  done: boolean
  note: string
}

/** A deterministic generator, so every run measures the same table. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function makeRows(size: number): Input[] {
  const next = random(size)
  return Array.from({ length: size }, (_, index) => ({
    id: `row-${index.toString(36).padStart(6, '0')}`,
    title: `row ${index}`,
    priority: Math.floor(next() * 100),
    score: Math.round(next() * 1e6),
    done: index % 10 === 0,
    note: `a longer note that the query does not read, row ${index}`,
  }))
}

/** Each side's replica is loaded from bytes, as a client opening a table has it. */
function replicaOf(write: (doc: Y.Doc) => void): Y.Doc {
  const doc = new Y.Doc()
  write(doc)
  const replica = new Y.Doc()
  Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc))
  return replica
}

const byQuery = (a: Input, b: Input) => b.priority - a.priority || a.score - b.score

/** The plain way with raw Yjs: read every row, keep the matching ones, sort, take 50. */
function scanJsonRows(doc: Y.Doc): Input[] {
  const matching: Input[] = []
  doc.getMap<Input>('rows').forEach((row) => {
    if (!row.done) matching.push(row)
  })
  return matching.sort(byQuery).slice(0, 50)
}

function scanMapRows(doc: Y.Doc): Input[] {
  const matching: Input[] = []
  doc.getMap<Y.Map<unknown>>('rows').forEach((row, id) => {
    if (row.get('done') === true) return
    const priority = row.get('priority') as number
    const score = row.get('score') as number
    matching.push({ id, priority, score } as Input)
  })
  const top = matching.sort(byQuery).slice(0, 50)
  const rows = doc.getMap<Y.Map<unknown>>('rows')
  return top.map(({ id }) => ({ id, ...rows.get(id)!.toJSON() }) as Input)
}

const best = (run: () => void): number =>
  Math.min(...Array.from({ length: repeats }, () => time(run)))

function measure(size: number): (string | number)[] {
  const rows = makeRows(size)
  const json = replicaOf((doc) => {
    doc.transact(() => {
      for (const row of rows) doc.getMap('rows').set(row.id, row)
    })
  })
  const maps = replicaOf((doc) => {
    doc.transact(() => {
      for (const { id, ...cells } of rows) {
        const row = doc.getMap<Y.Map<unknown>>('rows').set(id, new Y.Map())
        for (const [key, value] of Object.entries(cells)) row.set(key, value)
      }
    })
  })
  const tessera = createTable({
    doc: replicaOf((doc) => {
      createTable({
        doc,
        columns: [
          { name: 'title', type: 'string' },
          { name: 'priority', type: 'number', default: 0 },
          { name: 'score', type: 'number', default: 0 },
          { name: 'done', type: 'boolean', default: false },
          { name: 'note', type: 'string' },
        ],
      }).insertRows(rows as never)
    }),
  })
  let window: readonly Row[] = []
  const openMs = best(() => {
    const live = tessera.liveQuery(query)
    window = live.rows
    live.dispose()
  })
  const expected = scanJsonRows(json).map((row) => row.id)
  expect(window.map((row) => row.id)).toEqual(expected)
  const jsonMs = best(() => scanJsonRows(json))
  const mapsMs = best(() => scanMapRows(maps))
  expect(scanMapRows(maps).map((row) => row.id)).toEqual(expected)
  const peer = Math.min(jsonMs, mapsMs)
  return [
    size.toLocaleString('en'),
    openMs.toFixed(1),
    jsonMs.toFixed(1),
    mapsMs.toFixed(1),
    `${(openMs / peer).toFixed(2)}×`,
  ]
}

it('opening a live query beside a plain scan and sort in raw Yjs', () => {
  measure(2_000)
  report(
    'query-open',
    `Opening a live query (where done = false, 90 % match; orderBy priority desc, score asc; limit 50; rows of 5 columns; best of ${repeats})`,
    [
      'rows',
      'Tessera: liveQuery until its rows are read (ms)',
      'raw Yjs, JSON rows: scan, filter, sort, top 50 (ms)',
      'raw Yjs, Y.Map per row: same (ms)',
      'Tessera ÷ the faster raw scan',
    ],
    sizes.map(measure),
  )
})

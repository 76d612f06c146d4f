// Opening a live query (filter + sort + limit 50) beside a plain scan and sort of the same rows
// in raw Yjs (a JSON row per Y.Map entry, a Y.Map per row), on the same replica state; and what
// the open leaves for later (the first change builds the whole order) and an open without a limit.
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
function scanJsonRows(doc: Y.Doc, limit = 50): Input[] {
  const matching: Input[] = []
  doc.getMap<Input>('rows').forEach((row) => {
    if (!row.done) matching.push(row)
  })
  const sorted = matching.sort(byQuery)
  return limit === Infinity ? sorted : sorted.slice(0, limit)
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

interface Measured {
  /** The main table's row. */
  open: (string | number)[]
  /** What the open leaves for later, beside the raw scan that sorts every match. */
  later: (string | number)[]
}

function measure(size: number): Measured {
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
  return {
    open: [
      size.toLocaleString('en'),
      openMs.toFixed(1),
      jsonMs.toFixed(1),
      mapsMs.toFixed(1),
      `${(openMs / peer).toFixed(2)}×`,
    ],
    later: measureLater(size, tessera, json, rows),
  }
}

/**
 * What opening leaves for later: the first change in the same task as the open builds the
 * query's whole order (sort codes, id map, ordered index), which otherwise runs in its own task
 * right after; a change once it is built; an open without a limit (its rows are the whole
 * order, read as Row objects), beside a raw scan that sorts every matching row.
 */
function measureLater(
  size: number,
  tessera: ReturnType<typeof createTable>,
  json: Y.Doc,
  rows: readonly Input[],
): (string | number)[] {
  let edit = 0
  const change = (): void => {
    const row = rows[(edit++ * 7919) % rows.length]!
    tessera.updateRow(row.id, { priority: (row.priority + edit) % 100 })
  }
  const changeMs = (untilBuilt: boolean): number =>
    Math.min(
      ...Array.from({ length: repeats }, () => {
        const live = tessera.liveQuery(query)
        expect(live.rows).toHaveLength(50)
        // Moving the window past the selected rows builds the order now, as its task would.
        if (untilBuilt) live.setWindow({ offset: 0, limit: 50 + Math.floor(size / 4) })
        const ms = time(change)
        live.dispose()
        return ms
      }),
    )
  const firstChangeMs = changeMs(false)
  const builtChangeMs = changeMs(true)
  let all: readonly Row[] = []
  const unlimitedMs = best(() => {
    const live = tessera.liveQuery({ ...query, limit: undefined })
    all = live.rows
    live.dispose()
  })
  const rawAllMs = best(() => scanJsonRows(json, Infinity))
  expect(all.length).toBe(scanJsonRows(json, Infinity).length)
  return [
    size.toLocaleString('en'),
    firstChangeMs.toFixed(1),
    builtChangeMs.toFixed(2),
    unlimitedMs.toFixed(1),
    rawAllMs.toFixed(1),
    `${(unlimitedMs / rawAllMs).toFixed(2)}×`,
  ]
}

it('opening a live query beside a plain scan and sort in raw Yjs', () => {
  measure(2_000)
  const measured = sizes.map(measure)
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
    measured.map((row) => row.open),
  )
  report(
    'query-open-later',
    `What the open leaves for later (same table and query; best of ${repeats})`,
    [
      'rows',
      'first change in the same task as the open, which builds the order (ms)',
      'a change once the order is built (ms)',
      'Tessera: open without a limit until its rows are read (ms)',
      'raw Yjs, JSON rows: scan, filter, sort every match (ms)',
      'Tessera ÷ raw, no limit',
    ],
    measured.map((row) => row.later),
  )
})

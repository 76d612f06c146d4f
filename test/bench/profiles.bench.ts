// CPU profiles behind docs/benchmarks.md's explanations of issue 16's unmet targets: a bulk insert
// of 100,000 rows (Tessera and raw Yjs JSON rows), decoding and opening a replica, and opening a
// live query ten times beside a raw Yjs scan and sort of the same rows (its own test: -t "live
// query"). Runs only with TESSERA_BENCH_PROFILE=<dir>, where the profiles go.
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, type Query } from '../../src/index.js'
import { layouts, rowOf, tessera } from './layouts.js'
import { profileDir, saveProfile, startProfile, topFrames } from './profile.js'
import { report } from './report.js'

const rowCount = Number(process.env.TESSERA_BENCH_ROWS || 100_000)
const json = layouts.find((layout) => layout.key === 'json')!
const query: Query = {
  where: { done: false },
  orderBy: [
    ['priority', 'desc'],
    ['score', 'asc'],
  ],
  limit: 50,
}

/** Profiles `run`, saves the profile as `name`, and returns its report row. */
async function profiled(name: string, run: () => void): Promise<string[]> {
  const stop = await startProfile()
  const start = performance.now()
  run()
  const ms = performance.now() - start
  const profile = await stop()
  saveProfile(profile, name)
  return [name, ms.toFixed(0), topFrames(profile, 8).join('<br>')]
}

/** Row `index` of the live query benchmark's table (Tessera and the raw peer alike). */
const queryRowOf = (index: number) => ({
  title: `row ${index}`,
  priority: (index * 7919) % 100,
  score: (index * 104729) % 1_000_003,
  done: index % 10 === 0,
  note: `a longer note that the query does not read, row ${index}`,
})

/** A replica of a table of `rowCount` rows of the live query benchmark's five columns. */
function queryTable() {
  const doc = new Y.Doc()
  createTable({
    doc,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'priority', type: 'number', default: 0 },
      { name: 'score', type: 'number', default: 0 },
      { name: 'done', type: 'boolean', default: false },
      { name: 'note', type: 'string' },
    ],
  }).insertRows(Array.from({ length: rowCount }, (_, index) => queryRowOf(index)))
  const replica = new Y.Doc()
  Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc))
  return createTable({ doc: replica })
}

it.skipIf(profileDir === undefined)('CPU profiles of insert and open', async () => {
  const ids = Array.from({ length: rowCount }, (_, index) => `row-${index.toString(36)}`)
  const rows: string[][] = []
  const ours = new Y.Doc()
  tessera.open(ours)
  const withIds = ids.map((id, index) => ({ id, ...rowOf(index) }))
  rows.push(await profiled('insert-tessera', () => tessera.insert(ours, ids, withIds)))
  const theirs = new Y.Doc()
  json.open(theirs)
  const plain = ids.map((_, index) => rowOf(index))
  rows.push(await profiled('insert-json', () => json.insert(theirs, ids, plain)))
  for (const [name, layout, doc] of [
    ['open-tessera', tessera, ours],
    ['open-json', json, theirs],
  ] as const) {
    const bytes = Y.encodeStateAsUpdate(doc)
    rows.push(
      await profiled(name, () => {
        const replica = new Y.Doc()
        Y.applyUpdate(replica, bytes)
        layout.open(replica)
        layout.size(replica)
      }),
    )
  }
  report(
    'profiles',
    `CPU profiles, ${rowCount.toLocaleString('en')} rows (200 µs samples; files in ${profileDir ?? ''})`,
    ['work', 'ms (profiled)', 'top frames by self time'],
    rows,
  )
})

/** The same rows as raw Yjs JSON rows, loaded from bytes, and the plain scan + sort over them. */
function rawQuery(): () => unknown[] {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (let index = 0; index < rowCount; index++)
      doc.getMap('rows').set(`row-${index.toString(36)}`, queryRowOf(index))
  })
  const replica = new Y.Doc()
  Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc))
  type Plain = { priority: number; score: number; done: boolean }
  return () => {
    const matching: Plain[] = []
    replica.getMap<Plain>('rows').forEach((row) => {
      if (!row.done) matching.push(row)
    })
    return matching.sort((a, b) => b.priority - a.priority || a.score - b.score).slice(0, 50)
  }
}

it.skipIf(profileDir === undefined)(
  'CPU profiles of opening a live query, beside a raw Yjs scan and sort',
  async () => {
    const opens = Number(process.env.TESSERA_BENCH_OPENS || 10)
    const table = queryTable()
    const scan = rawQuery()
    table.liveQuery(query).dispose()
    scan()
    const rows = [
      await profiled(`query-open-${opens}x`, () => {
        for (let open = 0; open < opens; open++) {
          const live = table.liveQuery(query)
          expect(live.rows).toHaveLength(50)
          live.dispose()
        }
      }),
      await profiled(`query-raw-scan-${opens}x`, () => {
        for (let open = 0; open < opens; open++) expect(scan()).toHaveLength(50)
      }),
    ]
    report(
      'profiles-query',
      `CPU profiles of ${opens} live query opens and ${opens} raw Yjs scans + sorts, ${rowCount.toLocaleString('en')} rows (200 µs samples; files in ${profileDir ?? ''})`,
      ['work', 'ms (profiled)', 'top frames by self time'],
      rows,
    )
  },
)

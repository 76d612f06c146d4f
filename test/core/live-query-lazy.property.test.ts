// Property: a live query opened with a small window on a table that already has rows answers its
// first window by a selection and builds its full order only on the first change or window move
// that needs it (src/query/matching-rows.ts). Whenever that happens, its rows, total and diffs
// equal those of the query run from scratch and of a live query opened fresh at that point.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  applyDiff,
  createTable,
  type LiveQueryDiff,
  type Query,
  type Row,
  type Table,
} from '../../src/index.js'
import { evaluateQuery, parseQuery } from '../../src/internal.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS) || 40

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const },
  { name: 'done', type: 'boolean' as const, default: false },
]

const wheres: Query['where'][] = [undefined, { done: false }, { priority: { gte: 1 } }]
const orders: Query['orderBy'][] = [
  undefined,
  [
    ['priority', 'desc'],
    ['title', 'asc'],
  ],
  [['priority', 'asc', 'nullsFirst']],
  'title',
]

const cells = fc.record(
  {
    title: fc.option(fc.constantFrom('a', 'b', 'ba', 'c', 'd', 'e')),
    priority: fc.option(fc.integer({ min: 0, max: 5 })),
    done: fc.boolean(),
  },
  { requiredKeys: [] },
)
const pick = fc.nat()
const edit = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), cells }),
  fc.record({ op: fc.constant('update' as const), row: pick, cells }),
  fc.record({ op: fc.constant('delete' as const), row: pick }),
  fc.record({ op: fc.constant('move' as const), row: pick, anchor: pick }),
)
const step = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      edits: fc.array(edit, { minLength: 1, maxLength: 40 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('window' as const),
      offset: fc.nat(12),
      limit: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('default' as const), value: fc.nat(5) }) },
)
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never

function apply(table: Table, next: Step): void {
  if (next.kind === 'default') table.setColumnDefault('priority', next.value)
  if (next.kind !== 'edit') return
  table.transact(() => {
    for (const change of next.edits) {
      if (change.op === 'insert') {
        table.insertRow(change.cells)
        continue
      }
      const ids = table.rowIds()
      if (ids.length === 0) continue
      const id = ids[change.row % ids.length]!
      if (change.op === 'update') table.updateRow(id, change.cells)
      else if (change.op === 'delete') table.deleteRow(id)
      else {
        const anchor = ids[change.anchor % ids.length]!
        if (anchor !== id) table.moveRow(id, { after: anchor })
      }
    }
  })
}

/** The window of `query` as a live query opened now shows it, checked against a scratch run. */
function fresh(table: Table, query: Query): { rows: readonly Row[]; total: number } {
  const live = table.liveQuery(query)
  const shown = { rows: live.rows, total: live.total }
  live.dispose()
  const scratch = evaluateQuery(parseQuery(query, table.columns()), table.listRows())
  expect(shown.rows).toEqual(scratch.rows)
  expect(shown.total).toBe(scratch.total)
  return shown
}

describe('live query opened on a loaded table', () => {
  it('S20 S21 S26: the first window, later diffs, totals and window moves equal a fresh query', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...wheres),
        fc.constantFrom(...orders),
        fc.nat(3),
        fc.integer({ min: 0, max: 6 }),
        fc.array(cells, { minLength: 100, maxLength: 250 }),
        fc.array(step, { minLength: 1, maxLength: 12 }),
        (where, orderBy, offset, limit, initial, steps) => {
          const table = createTable({ columns })
          table.insertRows(initial)
          const query: Query = {
            ...(where === undefined ? {} : { where }),
            ...(orderBy === undefined ? {} : { orderBy }),
            offset,
            limit,
          }
          const live = table.liveQuery(query)
          const first = fresh(table, query)
          expect(live.rows).toEqual(first.rows)
          expect(live.total).toBe(first.total)
          let replayed: Row[] = [...live.rows]
          const diffs: LiveQueryDiff[] = []
          live.subscribe((diff) => diffs.push(diff))
          for (const next of steps) {
            diffs.length = 0
            if (next.kind === 'window') live.setWindow({ offset: next.offset, limit: next.limit })
            else apply(table, next)
            expect(diffs.length).toBeLessThanOrEqual(1)
            for (const diff of diffs) replayed = applyDiff(replayed, diff)
            const { offset: from, limit: count } = live.window
            const now = fresh(table, { ...query, offset: from, limit: count })
            expect(live.rows).toEqual(now.rows)
            expect(replayed).toEqual(now.rows)
            expect(live.total).toBe(now.total)
            if (diffs[0] !== undefined) expect(diffs[0].total).toBe(now.total)
          }
          live.dispose()
        },
      ),
      { numRuns },
    )
  })
})

// Properties: after any sequence of local edits, remote merges, schema changes and window changes, a live query's
// rows and total equal the same query run from scratch, and its diffs replay to its rows (S20, S21, S25);
// and a live query is quiet: a diff only when what it shows changed, an update only of changed cells.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  applyDiff,
  type LiveQueryDiff,
  type Query,
  type Row,
  type RowInput,
  type Table,
} from '../../src/index.js'
import { evaluateQuery, parseQuery } from '../../src/internal.js'
import { createNetwork } from '../helpers/replicas.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS) || 40

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const },
  { name: 'done', type: 'boolean' as const, default: false },
  { name: 'due', type: 'date' as const },
  { name: 'tags', type: 'json' as const },
]

const wheres: Query['where'][] = [
  undefined,
  { priority: { gte: 2 } },
  { or: [{ done: true }, { title: { startsWith: 'b' } }] },
  { not: { priority: { in: [1, 3] } }, due: { isNull: false } },
  { tags: { contains: 'x' } },
  { priority: { between: [1, 3] }, title: { ne: 'a' } },
]
const orders: Query['orderBy'][] = [
  undefined,
  [
    ['priority', 'desc'],
    ['title', 'asc'],
  ],
  [{ column: 'due', direction: 'asc', nulls: 'first' }],
  [
    ['done', 'asc'],
    ['priority', 'asc', 'nullsFirst'],
  ],
  'title',
]

const cells = fc.record(
  {
    title: fc.constantFrom('a', 'b', 'ba', 'c', null),
    priority: fc.option(fc.integer({ min: 0, max: 4 })),
    done: fc.boolean(),
    due: fc.option(fc.constantFrom('2026-01-01', '2026-02-01', '2025-12-31')),
    tags: fc.option(fc.constantFrom<string[]>(['x'], ['y'], ['x', 'y'], [])),
  },
  { requiredKeys: [] },
)
const replica = fc.integer({ min: 0, max: 2 })
const pick = fc.nat()
const edit = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), cells }),
  fc.record({ op: fc.constant('update' as const), row: pick, cells }),
  fc.record({ op: fc.constant('delete' as const), row: pick }),
  fc.record({ op: fc.constant('move' as const), row: pick, anchor: pick, before: fc.boolean() }),
)
const command = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      replica,
      edits: fc.array(edit, { minLength: 1, maxLength: 6 }),
    }),
  },
  {
    // Bulk transactions: more touched rows than the live query's few-rows path handles.
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      replica,
      edits: fc.array(edit, { minLength: 30, maxLength: 80 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('deliverOne' as const), to: replica, pick }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deliverAll' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), replica }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), replica }) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.record({
        kind: fc.constant('default' as const),
        replica,
        value: fc.integer({ min: 0, max: 4 }),
      }),
      fc.record({
        kind: fc.constant('retype' as const),
        replica,
        type: fc.constantFrom('string' as const, 'number' as const),
      }),
      fc.record({ kind: fc.constant('addColumn' as const), replica }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('window' as const),
      offset: fc.nat(6),
      limit: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    }),
  },
)
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never

const rowAt = (table: Table, index: number): string | undefined => {
  const ids = table.rowIds()
  return ids.length === 0 ? undefined : ids[index % ids.length]
}

/** Writes priority as the column's current type: another replica may have retyped it. */
function fit(target: Table, cells: Record<string, unknown>): RowInput {
  const priority = cells.priority
  if (typeof priority !== 'number' || target.getColumn('priority')?.type !== 'string')
    return cells as RowInput
  return { ...cells, priority: String(priority) }
}

function run(network: ReturnType<typeof createNetwork>, step: Command): void {
  if (step.kind === 'deliverOne') network.deliverOne(step.to, step.pick)
  else if (step.kind === 'deliverAll') network.deliverAll()
  else if (step.kind === 'disconnect') network.disconnect(step.replica)
  else if (step.kind === 'reconnect') network.reconnect(step.replica)
  else if (step.kind === 'default') {
    const target = network.tables[step.replica]!
    if (target.getColumn('priority') !== undefined)
      target.setColumnDefault('priority', fit(target, { priority: step.value }).priority)
  } else if (step.kind === 'retype') {
    const target = network.tables[step.replica]!
    if (target.getColumn('priority') !== undefined) target.setColumnType('priority', step.type)
  } else if (step.kind === 'addColumn') {
    const target = network.tables[step.replica]!
    target.addColumn({
      name: `extra${target.columns().length}-${step.replica}`,
      type: 'string',
      default: 'x',
    })
  } else if (step.kind === 'edit') {
    const target = network.tables[step.replica]!
    target.transact(() => {
      for (const change of step.edits) {
        if (change.op === 'insert') {
          target.insertRow(fit(target, change.cells))
          continue
        }
        const id = rowAt(target, change.row)
        if (id === undefined) continue
        if (change.op === 'update') target.updateRow(id, fit(target, change.cells))
        else if (change.op === 'delete') target.deleteRow(id)
        else {
          const anchor = rowAt(target, change.anchor)!
          if (anchor !== id)
            target.moveRow(id, change.before ? { before: anchor } : { after: anchor })
        }
      }
    })
  }
}

/** The query run from scratch; a query the schema no longer fits shows nothing (S22). */
function fromScratch(table: Table, query: Query): { rows: Row[]; total: number; isValid: boolean } {
  let parsed
  try {
    parsed = parseQuery(query, table.columns())
  } catch {
    return { rows: [], total: 0, isValid: false }
  }
  return { ...evaluateQuery(parsed, table.listRows()), isValid: true }
}

describe('live query property', () => {
  it('S20 S21 S22 S23 S25: rows and total equal a from-scratch query; diffs replay to rows; one diff per transaction', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...wheres),
        fc.constantFrom(...orders),
        fc.nat(4),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        fc.array(command, { minLength: 1, maxLength: 40 }),
        (where, orderBy, offset, limit, steps) => {
          const network = createNetwork(3, { columns })
          const table = network.tables[0]!
          const query: Query = {
            ...(where === undefined ? {} : { where }),
            ...(orderBy === undefined ? {} : { orderBy }),
            offset,
            ...(limit === undefined ? {} : { limit }),
          }
          const live = table.liveQuery(query)
          let replayed: Row[] = [...live.rows]
          let diffs: LiveQueryDiff[] = []
          live.subscribe((diff) => {
            diffs.push(diff)
          })
          let transactions = 0
          table.doc.on('afterTransaction', () => transactions++)
          for (const step of steps) {
            diffs = []
            transactions = 0
            if (step.kind === 'window') {
              live.setWindow({ offset: step.offset, limit: step.limit })
              expect(diffs.length).toBeLessThanOrEqual(1)
              if (diffs[0] !== undefined) expect(diffs[0].source).toBe('window')
            } else run(network, step)
            expect(diffs.length).toBeLessThanOrEqual(step.kind === 'window' ? 1 : transactions)
            for (const diff of diffs) {
              replayed = applyDiff(replayed, diff)
              expect(replayed).toEqual(diff.rows)
            }
            const { offset: from, limit: count } = live.window
            const scratch = fromScratch(table, { ...query, offset: from, limit: count })
            expect(live.error === undefined).toBe(scratch.isValid)
            expect(live.rows).toEqual(scratch.rows)
            expect(replayed).toEqual(scratch.rows)
            expect(live.total).toBe(scratch.total)
            if (diffs.length === 0) continue
            expect(diffs.at(-1)!.total).toBe(scratch.total)
          }
          live.dispose()
        },
      ),
      { numRuns },
    )
  })
})

/** What a live query shows, as text: rows (keys sorted), total and error message. */
function shown(view: {
  rows: readonly Row[]
  total: number
  error: { message: string } | undefined
}): string {
  const sorted = (row: Row): [string, unknown][] =>
    Object.entries(row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify([view.rows.map(sorted), view.total, view.error?.message])
}

describe('live query quiet results', () => {
  it('S21 S25: a diff comes exactly when the shown result changed, and updates list only changed cells', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...wheres), fc.constantFrom(...orders)), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        fc.array(command, { minLength: 1, maxLength: 40 }),
        (queries, limit, steps) => {
          const network = createNetwork(3, { columns })
          // Every replica watches every query: the replica whose concurrent write wins sees the
          // merge change nothing, the others see it change a cell.
          const watched = network.tables.flatMap((table) =>
            queries.map(([where, orderBy]) => {
              const live = table.liveQuery({
                ...(where === undefined ? {} : { where }),
                ...(orderBy === undefined ? {} : { orderBy }),
                ...(limit === undefined ? {} : { limit }),
              })
              const diffs: LiveQueryDiff[] = []
              live.subscribe((diff) => diffs.push(diff))
              return { live, diffs }
            }),
          )
          for (const step of steps) {
            const before = watched.map(({ live }) => ({ text: shown(live), rows: live.rows }))
            for (const { diffs } of watched) diffs.length = 0
            if (step.kind === 'window') {
              for (const { live } of watched)
                live.setWindow({ offset: step.offset, limit: step.limit })
            } else run(network, step)
            watched.forEach(({ live, diffs }, index) => {
              let previous = before[index]!
              for (const diff of diffs) {
                const text = shown(diff)
                expect(text, 'a diff that changes nothing shown').not.toBe(previous.text)
                const rowsBefore = new Map(previous.rows.map((row) => [row.id, row]))
                for (const { row, columns: names } of diff.updated) {
                  const old = rowsBefore.get(row.id)!
                  const changed = Object.keys(row).filter(
                    (name) => JSON.stringify(old[name]) !== JSON.stringify(row[name]),
                  )
                  expect(names, `updated columns of ${row.id}`).toEqual(changed)
                }
                previous = { text, rows: diff.rows }
              }
              expect(shown(live), 'what the live query shows is what its last diff said').toBe(
                previous.text,
              )
            })
          }
          for (const { live } of watched) live.dispose()
        },
      ),
      { numRuns },
    )
  })
})

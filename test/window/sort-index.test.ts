// The sort index a server shares among the windows of one query: built in steps, equal to the
// query run from scratch (S20) after any edits made before, during and after the build, and its
// first rows readable in one pass before the build ends.
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { createTable, type Query, type Table } from '../../src/index.js'
import { createDocRows, createSliceSort, createSortIndex } from '../../src/internal.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 60)

function steps(): { schedule: (run: () => void) => void; drain: (limit?: number) => void } {
  const queue: (() => void)[] = []
  return {
    schedule: (run) => queue.push(run),
    drain(limit = Infinity) {
      for (let done = 0; queue.length > 0 && done < limit; done++) queue.shift()!()
    },
  }
}

function makeTable(count: number): Table {
  const table = createTable({
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
      { name: 'done', type: 'boolean', default: false },
    ],
  })
  table.insertRows(
    Array.from({ length: count }, (_, index) => ({
      title: `t${(index * 7) % 13}`,
      n: (index * 31) % 17,
      done: index % 3 === 0,
    })),
  )
  return table
}

const query: Query = { where: { done: false }, orderBy: [['n', 'desc'], 'title'] }
const ids = (table: Table, q: Query = query): string[] => table.query(q).map((row) => row.id)

describe('sort index', () => {
  it('S20: a built index lists the rows of the query run from scratch, and top(k) its first k', () => {
    const table = makeTable(300)
    const { schedule, drain } = steps()
    const index = createSortIndex(createDocRows(table.doc), query, { schedule, stepSize: 37 })
    expect(index.isReady).toBe(false)
    expect(index.top(10)).toEqual({ ids: ids(table).slice(0, 10), total: ids(table).length })
    drain()
    expect(index.isReady).toBe(true)
    expect(index.idsIn(0, 1000)).toEqual(ids(table))
    expect(index.total).toBe(ids(table).length)
  })

  test.prop(
    [
      fc.array(
        fc.tuple(fc.nat(400), fc.constantFrom('set', 'delete', 'insert', 'move'), fc.nat(20)),
        { maxLength: 30 },
      ),
      fc.nat(6),
    ],
    { numRuns },
  )(
    'S20: edits before, during and after the build leave it equal to the query from scratch',
    (edits, pause) => {
      const table = makeTable(120)
      const { schedule, drain } = steps()
      const index = createSortIndex(createDocRows(table.doc), query, { schedule, stepSize: 25 })
      const events: string[] = []
      index.subscribe((event) => events.push(event.kind))
      edits.forEach(([pick, kind, value], at) => {
        if (at === pause) drain(2)
        const rows = table.rowIds()
        const id = rows[pick % rows.length]!
        if (kind === 'set') table.updateRow(id, { n: value, done: value % 4 === 0 })
        else if (kind === 'delete') table.deleteRow(id)
        else if (kind === 'insert') table.insertRow({ title: `x${value}`, n: value % 5 })
        else table.moveRow(id, { before: rows[(pick * 7) % rows.length]! })
      })
      drain()
      expect(index.idsIn(0, 10_000)).toEqual(ids(table))
      expect(index.total).toBe(ids(table).length)
      expect(events.filter((kind) => kind === 'ready')).toHaveLength(1)
    },
  )

  it('S22: a schema change that breaks the query puts the index in error, and it resumes', () => {
    const table = makeTable(50)
    const { schedule, drain } = steps()
    const index = createSortIndex(createDocRows(table.doc), query, { schedule })
    drain()
    table.renameColumn('n', 'm')
    expect(index.error?.code).toBe('INVALID_QUERY')
    expect(index.top(5)).toEqual({ ids: [], total: 0 })
    table.renameColumn('m', 'n')
    expect(index.error).toBeUndefined()
    drain()
    expect(index.idsIn(0, 100)).toEqual(ids(table))
  })

  test.prop([fc.array(fc.string(), { maxLength: 300 }), fc.integer({ min: 1, max: 40 })], {
    numRuns,
  })(
    'slice sort orders strings by code unit whatever the run length and step size',
    (values, run) => {
      const sort = createSliceSort([...values], run)
      while (!sort.step(run + 3));
      expect(sort.sorted()).toEqual([...values].sort())
    },
  )
})

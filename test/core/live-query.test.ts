import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { codeOf } from '../helpers/errors.js'
import { applyDiff, createTable, type LiveQueryDiff, type Row } from '../../src/index.js'
import { sync, twoReplicas } from '../helpers/replicas.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
  { name: 'done', type: 'boolean' as const, default: false },
]

function setup(count = 6) {
  const table = createTable({ columns })
  table.insertRows(
    Array.from({ length: count }, (_, index) => ({
      id: `r${index}`,
      title: `t${index}`,
      priority: index,
    })),
  )
  return table
}

function record(live: { subscribe(handler: (diff: LiveQueryDiff) => void): () => void }) {
  const diffs: LiveQueryDiff[] = []
  const stop = live.subscribe((diff) => diffs.push(diff))
  return { diffs, stop }
}

const idsOf = (rows: readonly Row[]): string[] => rows.map((row) => row.id)

describe('live query', () => {
  it('starts with the same rows and total as the query run from scratch', () => {
    const table = setup()
    const query = {
      where: { priority: { gte: 2 } },
      orderBy: [['priority', 'desc']] as const,
      limit: 3,
    }
    const live = table.liveQuery(query)
    expect(live.rows).toEqual(table.query(query))
    expect(idsOf(live.rows)).toEqual(['r5', 'r4', 'r3'])
    expect(live.total).toBe(4)
    expect(live.window).toEqual({ offset: 0, limit: 3 })
  })

  it('S25: a row entering a top-N window pushes the last one out, with window indices', () => {
    const table = setup()
    const live = table.liveQuery({ orderBy: [['priority', 'desc']], limit: 3 })
    const { diffs } = record(live)
    table.updateRow('r0', { priority: 10 })
    expect(diffs).toHaveLength(1)
    const [diff] = diffs
    expect(diff!.added).toEqual([{ row: table.getRow('r0'), index: 0 }])
    expect(diff!.removed).toEqual([{ id: 'r3', index: 2 }])
    expect(diff!.moved).toEqual([])
    expect(idsOf(diff!.rows)).toEqual(['r0', 'r5', 'r4'])
    expect(diff!.source).toBe('local')
    expect(diff!.total).toBe(6)
  })

  it('S25: a row leaving the window is replaced by the next matching row without a rescan', () => {
    const table = setup()
    const live = table.liveQuery({ where: { done: false }, orderBy: 'priority', limit: 2 })
    const { diffs } = record(live)
    table.updateRow('r0', { done: true })
    expect(diffs[0]!.removed).toEqual([{ id: 'r0', index: 0 }])
    expect(diffs[0]!.added).toEqual([{ row: table.getRow('r2'), index: 1 }])
    expect(diffs[0]!.total).toBe(5)
    expect(idsOf(live.rows)).toEqual(['r1', 'r2'])
  })

  it('S25: reports moves within the window and updated cells by column name', () => {
    const table = setup(4)
    const live = table.liveQuery({ orderBy: 'priority' })
    const { diffs } = record(live)
    table.updateRow('r0', { priority: 2.5, title: 'moved' })
    const diff = diffs[0]!
    expect(diff.moved).toEqual([{ id: 'r0', row: table.getRow('r0'), oldIndex: 0, newIndex: 2 }])
    expect(diff.updated).toEqual([
      { row: table.getRow('r0'), index: 2, columns: ['title', 'priority'] },
    ])
    expect(diff.added).toEqual([])
    expect(diff.removed).toEqual([])
    expect(idsOf(live.rows)).toEqual(['r1', 'r2', 'r0', 'r3'])
  })

  it('S25: a row whose index stays the same while its neighbours change is still reported as moved', () => {
    const table = setup(3)
    const live = table.liveQuery({ orderBy: 'priority' })
    const before = live.rows
    const { diffs } = record(live)
    table.transact(() => {
      table.deleteRow('r0')
      table.updateRow('r1', { priority: 9 })
    })
    expect(idsOf(live.rows)).toEqual(['r2', 'r1'])
    expect(diffs).toHaveLength(1)
    expect(diffs[0]!.moved.map((move) => [move.id, move.oldIndex, move.newIndex])).toEqual([
      ['r1', 1, 1],
    ])
    expect(applyDiff(before, diffs[0]!)).toEqual(live.rows)
  })

  it('S21: one transaction over many rows gives one diff; one that does not touch the result gives none', () => {
    const table = setup(20)
    const live = table.liveQuery({
      where: { priority: { lt: 10 } },
      orderBy: 'priority',
      select: ['priority'],
    })
    const { diffs } = record(live)
    table.transact(() => {
      for (let index = 0; index < 20; index++)
        table.updateRow(`r${index}`, { priority: 19 - index })
    })
    expect(diffs).toHaveLength(1)
    expect(idsOf(live.rows)).toEqual([
      'r19',
      'r18',
      'r17',
      'r16',
      'r15',
      'r14',
      'r13',
      'r12',
      'r11',
      'r10',
    ])
    diffs.length = 0
    table.updateRow('r0', { priority: 30 }) // outside before and after
    table.updateRow('r19', { title: 'not selected' })
    table.moveRow('r18', { before: 'r0' }) // manual order only breaks ties
    expect(diffs).toHaveLength(0)
  })

  it('S21: a merged concurrent write that loses to the value shown gives no diff', () => {
    // The counterexample the quiet-results property found: replica b (the greater client)
    // keeps its own value, and the merge used to report the row as updated anyway.
    const [a, b] = twoReplicas({ columns })
    a.insertRow({ title: 'x', priority: 1 }, { id: 'x' })
    sync(a, b)
    a.setCell('x', 'title', 'from a')
    b.setCell('x', 'title', 'from b')
    const live = b.liveQuery({})
    const { diffs } = record(live)
    sync(a, b)
    expect(b.getCell('x', 'title')).toBe('from b')
    expect(diffs).toEqual([])
    expect(live.rows).toEqual([{ id: 'x', title: 'from b', priority: 1, done: false }])
    // On the losing replica the same merge is a visible update of that one cell.
    const seenByA = a.liveQuery({})
    expect(seenByA.rows[0]!.title).toBe('from b')
  })

  it('S21 S25: writing the value a cell already shows gives no diff; a real change lists only its columns', () => {
    const table = setup(3)
    const live = table.liveQuery({ orderBy: 'priority' })
    const { diffs } = record(live)
    table.updateRow('r1', { title: 't1', priority: 1 })
    table.setCell('r2', 'done', false)
    expect(diffs).toEqual([])
    table.updateRow('r1', { title: 'changed', priority: 1 })
    expect(diffs).toHaveLength(1)
    expect(diffs[0]!.updated).toEqual([{ row: table.getRow('r1'), index: 1, columns: ['title'] }])
  })

  it('S21: after a move that keeps the order, writing a value the row already shows gives no diff', () => {
    // The counterexample the quiet-results property found next: the move touched the row without
    // changing what the window shows, and the write after it was taken for a change.
    const table = setup(3)
    const live = table.liveQuery({ orderBy: 'priority' })
    const { diffs } = record(live)
    table.moveRow('r1', { before: 'r0' })
    table.setCell('r1', 'done', false)
    expect(diffs).toEqual([])
    table.setCell('r1', 'done', true)
    expect(diffs.map((diff) => diff.updated)).toEqual([
      [{ row: table.getRow('r1'), index: 1, columns: ['done'] }],
    ])
  })

  it('S21: a change outside the window that changes the total gives a diff with the new total', () => {
    const table = setup()
    const live = table.liveQuery({ orderBy: 'priority', limit: 2 })
    const { diffs } = record(live)
    table.insertRow({ priority: 100 })
    expect(diffs).toHaveLength(1)
    expect(diffs[0]).toMatchObject({ added: [], removed: [], moved: [], updated: [], total: 7 })
  })

  it('S20: follows the manual order when no orderBy is given, including moves', () => {
    const table = setup(4)
    const live = table.liveQuery({})
    const before = live.rows
    const { diffs } = record(live)
    table.moveRow('r3', { before: 'r0' })
    expect(idsOf(live.rows)).toEqual(table.rowIds())
    expect(diffs[0]!.moved).toEqual([
      { id: 'r3', row: table.getRow('r3'), oldIndex: 3, newIndex: 0 },
    ])
    expect(applyDiff(before, diffs[0]!)).toEqual(live.rows)
  })

  it('S21: tells remote and undone changes apart from local ones, with the transaction origin', () => {
    const [a, b] = twoReplicas({ columns })
    a.insertRow({ title: 'x', priority: 1 }, { id: 'x' })
    sync(a, b)
    const live = b.liveQuery({ where: { priority: { gt: 0 } } })
    const { diffs } = record(live)
    a.updateRow('x', { priority: 2 })
    sync(a, b)
    expect(diffs.map((diff) => diff.source)).toEqual(['remote'])
    expect(diffs[0]!.origin).toBe('network')
    const undo = new Y.UndoManager(b.doc, { trackedOrigins: new Set([b.origin]) })
    b.updateRow('x', { priority: 0 })
    undo.undo()
    expect(diffs.map((diff) => diff.source)).toEqual(['remote', 'local', 'undo'])
    expect(idsOf(live.rows)).toEqual(['x'])
  })

  it('S21: 1,000 rows arriving in one remote update give one diff', () => {
    const [a, b] = twoReplicas({ columns })
    const live = b.liveQuery({ orderBy: [['priority', 'desc']], limit: 50 })
    const { diffs } = record(live)
    a.insertRows(Array.from({ length: 1000 }, (_, index) => ({ priority: index })))
    sync(a, b)
    expect(diffs).toHaveLength(1)
    expect(diffs[0]!.added).toHaveLength(50)
    expect(live.total).toBe(1000)
    expect(live.rows[0]!.priority).toBe(999)
  })

  it('S26: setWindow shows another slice with one diff of source "window"', () => {
    const table = setup(10)
    const live = table.liveQuery({ orderBy: 'priority', limit: 3 })
    const before = live.rows
    const { diffs } = record(live)
    live.setWindow({ offset: 2, limit: 3 })
    expect(idsOf(live.rows)).toEqual(['r2', 'r3', 'r4'])
    expect(diffs).toHaveLength(1)
    expect(diffs[0]!.source).toBe('window')
    expect(diffs[0]!.removed).toEqual([
      { id: 'r0', index: 0 },
      { id: 'r1', index: 1 },
    ])
    expect(applyDiff(before, diffs[0]!)).toEqual(live.rows)
    live.setWindow({ offset: 2, limit: 3 })
    expect(diffs).toHaveLength(1)
    live.setWindow({ offset: 8 })
    expect(idsOf(live.rows)).toEqual(['r8', 'r9'])
    expect(live.window).toEqual({ offset: 8, limit: undefined })
    expect(codeOf(() => live.setWindow({ offset: -1 }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => live.setWindow({ ofset: 1 } as never))).toBe('INVALID_ARGUMENT')
  })

  it('stops after unsubscribe and dispose, keeping the last rows', () => {
    const table = setup(3)
    const live = table.liveQuery({})
    const { diffs, stop } = record(live)
    stop()
    table.insertRow({})
    expect(diffs).toHaveLength(0)
    const rows = live.rows
    live.dispose()
    table.insertRow({})
    expect(live.rows).toEqual(rows)
    expect(codeOf(() => live.setWindow({ offset: 0 }))).toBe('CLOSED')
    expect(codeOf(() => live.subscribe(3 as never))).toBe('INVALID_ARGUMENT')
  })

  it('rejects a bad query at creation with INVALID_QUERY', () => {
    const table = setup(1)
    expect(codeOf(() => table.liveQuery({ where: { priority: { gtt: 1 } } }))).toBe('INVALID_QUERY')
  })
})

describe('live query and schema changes', () => {
  it('S22: a column removed or renamed while the query uses it empties the result and sets error; it resumes when the column is back', () => {
    const table = setup(3)
    const live = table.liveQuery({ where: { priority: { gte: 1 } } })
    const { diffs } = record(live)
    table.removeColumn('priority')
    expect(live.rows).toEqual([])
    expect(live.total).toBe(0)
    expect(live.error?.code).toBe('INVALID_QUERY')
    expect(live.error?.message).toMatch(/where\.priority: unknown column "priority"/)
    expect(diffs[0]!.removed.map((removal) => removal.id)).toEqual(['r1', 'r2'])
    expect(diffs[0]!.error).toBe(live.error)
    table.insertRow({ title: 'while broken' })
    expect(diffs).toHaveLength(1)
    table.addColumn({ name: 'priority', type: 'number', default: 5 })
    expect(live.error).toBeUndefined()
    expect(live.total).toBe(4)
    expect(diffs).toHaveLength(2)
    expect(diffs[1]!.added).toHaveLength(4)
    table.renameColumn('priority', 'rank')
    expect(live.error?.message).toMatch(/unknown column "priority"/)
    table.renameColumn('rank', 'priority')
    expect(live.total).toBe(4)
  })

  it('S23: a column retyped while the query uses it re-reads the operands under the new type', () => {
    const table = setup(12)
    const live = table.liveQuery({ where: { priority: { gte: 3 } }, orderBy: 'priority', limit: 3 })
    expect(idsOf(live.rows)).toEqual(['r3', 'r4', 'r5'])
    table.setColumnType('priority', 'string')
    // "3" as a string: "10" and "11" sort before "3" by code unit, so they no longer match.
    expect(live.error).toBeUndefined()
    expect(live.total).toBe(7)
    expect(live.rows).toEqual(
      table.query({ where: { priority: { gte: 3 } }, orderBy: 'priority', limit: 3 }),
    )
    table.setColumnType('priority', 'boolean')
    expect(live.error?.message).toMatch(
      /operator "gte" does not apply to boolean column "priority"/,
    )
    expect(live.rows).toEqual([])
    table.setColumnType('priority', 'number')
    expect(live.total).toBe(9)
  })

  it('S23: re-checks the query as it was created, whatever the caller did to its object since', () => {
    const table = setup(4)
    const where: { priority: { gte: number } } = { priority: { gte: 2 } }
    const live = table.liveQuery({ where })
    where.priority = { gte: 0 }
    table.addColumn({ name: 'owner', type: 'string' })
    expect(idsOf(live.rows)).toEqual(['r2', 'r3'])
  })

  it('S23: a schema change the query does not depend on still reaches the rows', () => {
    const table = setup(2)
    const live = table.liveQuery({})
    const before = live.rows
    const { diffs } = record(live)
    table.addColumn({ name: 'owner', type: 'string', default: 'ann' })
    expect(diffs).toHaveLength(1)
    expect(diffs[0]!.updated.map((update) => update.columns)).toEqual([['owner'], ['owner']])
    expect(applyDiff(before, diffs[0]!)).toEqual(live.rows)
    expect(live.rows[0]!.owner).toBe('ann')
  })
})

import { describe, expect, it } from 'vitest'
import { createTable, isTesseraError, type Query } from '../../src/index.js'
import { evaluateQuery, parseQuery } from '../../src/internal.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const },
  { name: 'done', type: 'boolean' as const, default: false },
  { name: 'due', type: 'date' as const },
  { name: 'tags', type: 'json' as const },
]

const table = createTable({ columns })
table.insertRows([
  { id: 'a', title: 'apple', priority: 3, due: '2026-03-01', tags: ['x'] },
  { id: 'b', title: 'Banana', priority: 1, done: true, tags: ['y', 'x'] },
  { id: 'c', title: 'cherry', priority: 5, due: '2026-01-15T10:00:00Z', tags: { k: 1 } },
  { id: 'd', title: 'banana', done: true, due: '2025-12-31' },
  { id: 'e', title: null, priority: 3 },
])

const ids = (query: Query): string[] => table.query(query).map((row) => row.id)

const invalid = (query: unknown): string => {
  try {
    parseQuery(query, table.columns())
  } catch (error) {
    if (isTesseraError(error, 'INVALID_QUERY')) return error.message
    throw error
  }
  throw new Error('expected INVALID_QUERY')
}

describe('query validation', () => {
  it('suggests the nearest operator for an unknown one, with the path', () => {
    expect(invalid({ where: { priority: { gtt: 3 } } })).toBe(
      'where.priority.gtt: unknown operator "gtt" (did you mean "gt"?)',
    )
    expect(invalid({ where: { and: [{ title: { startswith: 'a' } }] } })).toMatch(
      /^where\.and\[0\]\.title\.startswith: unknown operator "startswith" \(did you mean "startsWith"\?\)/,
    )
  })

  it('names unknown columns and query keys with a suggestion', () => {
    expect(invalid({ where: { prority: 3 } })).toBe(
      'where.prority: unknown column "prority" (did you mean "priority"?)',
    )
    expect(invalid({ order: ['title'] })).toMatch(
      /^order: unknown query key \(did you mean "orderBy"\?\)/,
    )
    expect(invalid({ select: ['title', 'zzzzzzzzzz'] })).toMatch(/^select\[1\]: unknown column/)
    expect(invalid({ orderBy: [['titel', 'asc']] })).toMatch(/did you mean "title"/)
  })

  it('rejects operators that do not apply to the column type and operands that do not fit', () => {
    expect(invalid({ where: { done: { gt: true } } })).toMatch(
      /^where\.done\.gt: operator "gt" does not apply to boolean column "done"; use one of eq, ne, in, nin, isNull/,
    )
    expect(invalid({ where: { priority: { eq: 'lots' } } })).toMatch(
      /^where\.priority\.eq: column "priority" holds number values/,
    )
    expect(invalid({ where: { priority: { in: 3 } } })).toMatch(
      /^where\.priority\.in: expected an array/,
    )
    expect(invalid({ where: { priority: { between: [1] } } })).toMatch(
      /^where\.priority\.between: expected \[low, high\]/,
    )
    expect(invalid({ where: { priority: [1, 2] } })).toMatch(/write \{ in: \[\.\.\.\] \}/)
    expect(invalid({ where: { title: { isNull: 'yes' } } })).toMatch(/expected true or false/)
    expect(invalid({ where: { tags: { gt: 1 } } })).toMatch(/does not apply to json column/)
    expect(invalid({ orderBy: ['tags'] })).toMatch(/json column "tags" cannot be sorted/)
    expect(invalid({ orderBy: [['title', 'up']] })).toMatch(
      /^orderBy\[0\]\.direction: expected 'asc' or 'desc'/,
    )
    expect(invalid({ limit: -1 })).toMatch(/^limit: expected a whole number/)
    expect(invalid({ offset: 1.5 })).toMatch(/^offset: expected a whole number/)
    expect(invalid({ where: [] })).toMatch(/^where: expected an object/)
    expect(invalid({ where: { not: 3 } })).toMatch(/^where\.not: expected an object/)
    expect(invalid('title')).toMatch(/^query: expected an object/)
  })

  it('S89: and, or and not may nest 32 levels deep, not 33', () => {
    const nested = (depth: number): unknown => {
      let where: unknown = { priority: { gt: 2 } }
      for (let level = 0; level < depth; level++)
        where = level % 3 === 0 ? { not: where } : { [level % 3 === 1 ? 'and' : 'or']: [where] }
      return where
    }
    expect(() => parseQuery({ where: nested(32) }, table.columns())).not.toThrow()
    expect(invalid({ where: nested(33) })).toMatch(
      /^where(\.(not|and\[0\]|or\[0\])){33}: and, or and not nest deeper than 32 levels; flatten the query$/,
    )
  })

  it('reads operands as cells of the column type are read ("3" is 3 for a number column)', () => {
    expect(ids({ where: { priority: '3' } })).toEqual(['a', 'e'])
    expect(ids({ where: { due: { lt: new Date('2026-01-01T00:00:00Z') } } })).toEqual(['d'])
  })
})

describe('query evaluation', () => {
  it('filters with every operator', () => {
    expect(ids({ where: { priority: { gt: 1, lte: 3 } } })).toEqual(['a', 'e'])
    expect(ids({ where: { priority: { gte: 3 } } })).toEqual(['a', 'c', 'e'])
    expect(ids({ where: { priority: { lt: 3 } } })).toEqual(['b'])
    expect(ids({ where: { priority: { ne: 3 } } })).toEqual(['b', 'c', 'd'])
    expect(ids({ where: { priority: { in: [1, 5] } } })).toEqual(['b', 'c'])
    expect(ids({ where: { priority: { nin: [1, 5] } } })).toEqual(['a', 'd', 'e'])
    expect(ids({ where: { priority: { between: [2, 5] } } })).toEqual(['a', 'c', 'e'])
    expect(ids({ where: { title: { contains: 'an' } } })).toEqual(['b', 'd'])
    expect(ids({ where: { title: { startsWith: 'b' } } })).toEqual(['d'])
    expect(ids({ where: { title: { endsWith: 'y' } } })).toEqual(['c'])
    expect(ids({ where: { title: { isNull: true } } })).toEqual(['e'])
    expect(ids({ where: { title: null } })).toEqual(['e'])
    expect(ids({ where: { title: { ne: null } } })).toEqual(['a', 'b', 'c', 'd'])
    expect(ids({ where: { done: true } })).toEqual(['b', 'd'])
    expect(ids({ where: { id: { in: ['a', 'z'] } } })).toEqual(['a'])
  })

  it('combines filters with and, or and not; several keys all have to hold', () => {
    expect(ids({ where: { or: [{ done: true }, { priority: 5 }] } })).toEqual(['b', 'c', 'd'])
    expect(ids({ where: { and: [{ done: true }, { priority: 1 }] } })).toEqual(['b'])
    expect(ids({ where: { not: { done: true } } })).toEqual(['a', 'c', 'e'])
    expect(ids({ where: { done: false, priority: 3 } })).toEqual(['a', 'e'])
  })

  it('compares dates by time, whatever the ISO form of the operand', () => {
    expect(ids({ where: { due: { gte: '2026-01-15T10:00:00.000Z' } } })).toEqual(['a', 'c'])
    expect(ids({ where: { due: { between: ['2026-01-01', Date.UTC(2026, 1, 1)] } } })).toEqual([
      'c',
    ])
    expect(ids({ where: { due: '2025-12-31T00:00:00+00:00' } })).toEqual(['d'])
  })

  it('compares json cells by value: eq with key order ignored, contains for array items', () => {
    expect(ids({ where: { tags: { contains: 'x' } } })).toEqual(['a', 'b'])
    expect(ids({ where: { tags: { eq: ['x'] } } })).toEqual(['a'])
    expect(ids({ where: { tags: ['y', 'x'] } })).toEqual(['b'])
    expect(ids({ where: { tags: { eq: { k: 1 } } } })).toEqual(['c'])
  })

  it('S24: sorts strings by UTF-16 code unit (case-sensitive), nulls last unless asked, ties in manual order', () => {
    expect(ids({ orderBy: 'title' })).toEqual(['b', 'a', 'd', 'c', 'e'])
    expect(ids({ orderBy: [['title', 'desc']] })).toEqual(['c', 'd', 'a', 'b', 'e'])
    expect(ids({ orderBy: [['title', 'asc', 'nullsFirst']] })).toEqual(['e', 'b', 'a', 'd', 'c'])
    expect(ids({ orderBy: [{ column: 'priority', direction: 'desc', nulls: 'first' }] })).toEqual([
      'd',
      'c',
      'a',
      'e',
      'b',
    ])
    expect(
      ids({
        orderBy: [
          ['done', 'asc'],
          ['priority', 'asc'],
        ],
      }),
    ).toEqual(['a', 'e', 'c', 'b', 'd'])
    expect(ids({ orderBy: ['due'] })).toEqual(['d', 'c', 'a', 'b', 'e'])
  })

  it('applies offset, limit and select, and counts every match in total', () => {
    expect(table.query({ orderBy: 'priority', offset: 1, limit: 2, select: ['priority'] })).toEqual(
      [
        { id: 'a', priority: 3 },
        { id: 'e', priority: 3 },
      ],
    )
    const parsed = parseQuery({ where: { done: false }, limit: 1 }, table.columns())
    const result = evaluateQuery(parsed, table.listRows())
    expect(result.total).toBe(3)
    expect(result.rows.map((row) => row.id)).toEqual(['a'])
    expect(table.query({ limit: 0 })).toEqual([])
    expect(table.query({ offset: 10 })).toEqual([])
  })
})

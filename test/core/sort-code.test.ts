// Sort codes: comparing two codes with `<` must agree with comparing the rows they stand for
// (sort values under orderBy, then manual position, then id), for every kind of value.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SortKey } from '../../src/query/query.js'
import { compareSortKeys, type SortValue } from '../../src/query/query-match.js'
import { idOfSortCode, sortCode, sortCodePrefix } from '../../src/query/sort-code.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS) || 200
const sign = (value: number): number => Math.sign(value) + 0

// Strings that stress the encoding: NUL (escaped), U+FFFF (the escape's second unit), prefixes.
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom('\u0000', '\u0001', 'a', 'b', '\uffff'), maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
)
const number = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-0, Number.MIN_VALUE, -Number.MAX_VALUE, 2 ** 53),
)
const kinds = {
  number: number,
  string: text,
  boolean: fc.boolean(),
} as const

const sortKey = fc.record({
  kind: fc.constantFrom<keyof typeof kinds>('number', 'string', 'boolean'),
  direction: fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
  nulls: fc.constantFrom<'first' | 'last'>('first', 'last'),
})

const scenario = fc.array(sortKey, { maxLength: 3 }).chain((keys) => {
  const orderBy: SortKey[] = keys.map((key, i) => ({
    column: `c${i}`,
    type: key.kind,
    direction: key.direction,
    nulls: key.nulls,
  }))
  const row = fc.record({
    values: fc.tuple(...keys.map((key) => fc.option(kinds[key.kind] as fc.Arbitrary<SortValue>))),
    position: text,
    id: fc.string({ unit: fc.constantFrom('a', 'b', '\uffff', 'Z'), minLength: 1, maxLength: 5 }),
  })
  return fc.record({ orderBy: fc.constant(orderBy), a: row, b: row })
})

type Sample = { values: SortValue[]; position: string; id: string }

const reference = (orderBy: SortKey[], a: Sample, b: Sample): number =>
  compareSortKeys(orderBy, a.values, b.values) ||
  (a.position < b.position ? -1 : a.position > b.position ? 1 : 0) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const codeOf = (orderBy: SortKey[], row: Sample): string =>
  sortCode(orderBy, row.values, row.position, row.id as never)

const prefixOf = (code: string): number[] => {
  const out = new Float64Array(sortCodePrefix.width)
  sortCodePrefix.write(code, out, 0)
  return [...out]
}

const compareArrays = (a: number[], b: number[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  return 0
}

describe('sort codes', () => {
  it('S24: order like the rows they encode, and give back the row id', () => {
    fc.assert(
      fc.property(scenario, ({ orderBy, a, b }) => {
        const codeA = codeOf(orderBy, a)
        const codeB = codeOf(orderBy, b)
        const byCode = codeA < codeB ? -1 : codeA > codeB ? 1 : 0
        expect(byCode).toBe(sign(reference(orderBy, a, b)))
        expect(idOfSortCode(codeA)).toBe(a.id)
        // The prefix never contradicts the codes: it may only tie where they differ.
        const byPrefix = compareArrays(prefixOf(codeA), prefixOf(codeB))
        if (byPrefix !== 0) expect(byPrefix).toBe(byCode)
      }),
      { numRuns },
    )
  })

  it('S24: puts nulls where each key says, whatever the direction', () => {
    for (const direction of ['asc', 'desc'] as const) {
      const key: SortKey = { column: 'n', type: 'number', direction, nulls: 'first' }
      const last: SortKey = { ...key, nulls: 'last' }
      const sorted = (orderBy: SortKey[]) =>
        [null, -5, 0, 7]
          .map((value, i) => sortCode(orderBy, [value], 'a0', `r${i}` as never))
          .sort()
          .map(idOfSortCode)
      expect(sorted([key])[0]).toBe('r0')
      expect(sorted([last]).at(-1)).toBe('r0')
      expect(sorted([key]).slice(1)).toEqual(
        direction === 'asc' ? ['r1', 'r2', 'r3'] : ['r3', 'r2', 'r1'],
      )
    }
  })
})

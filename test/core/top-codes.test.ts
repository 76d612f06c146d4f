// smallestCodes: the first codes of a list in code-unit order, as a full sort would give them.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { smallestCodes } from '../../src/query/top-codes.js'

describe('smallestCodes', () => {
  it('equals sorting the codes and taking the first ones', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 6 }), { maxLength: 300 }),
        fc.integer({ min: -1, max: 320 }),
        (codes, count) => {
          const before = [...codes]
          const expected = [...codes].sort().slice(0, Math.max(0, count))
          expect(smallestCodes(codes, count)).toEqual(expected)
          expect(codes).toEqual(before)
        },
      ),
      { numRuns: 200 },
    )
  })
})

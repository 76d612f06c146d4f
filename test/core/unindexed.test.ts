// smallest: the first items under a comparator, as sorting them all and taking the first would give.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { smallest } from '../../src/query/unindexed.js'

describe('smallest', () => {
  it('equals sorting every item and taking the first ones', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { maxLength: 300 }),
        fc.integer({ min: -1, max: 320 }),
        (keys, count) => {
          const compare = (a: number, b: number): number => keys[a]! - keys[b]!
          const all = keys.map((_, item) => item).sort(compare)
          expect(smallest(keys.length, count, compare)).toEqual(all.slice(0, Math.max(0, count)))
        },
      ),
      { numRuns: 200 },
    )
  })
})

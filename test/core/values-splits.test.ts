// The reclaim's put-back of split and merged structs into a client's list (S292): in place or in
// one copy, the list ends as if each span had been replaced on its own.
import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import type * as Y from 'yjs'
import { putBack, type Span } from '../../src/values-splits.js'

type Struct = Y.Item | Y.GC

test.prop([
  fc.integer({ min: 1, max: 40 }),
  fc.array(fc.tuple(fc.nat(40), fc.nat(3), fc.integer({ min: -3, max: 3 })), { maxLength: 8 }),
])(
  'S292: spans put back in place or in one copy leave the list each replacement would',
  (length, picks) => {
    const structs = Array.from(
      { length },
      (_, index) => ({ name: `s${index}` }) as unknown as Struct,
    )
    // Disjoint spans in list order, each replaced by a list of its own length plus a change.
    const spans: Span[] = []
    const owns: Struct[][] = []
    let next = 0
    for (const [gap, width, change] of picks) {
      const from = next + (gap % 5)
      const to = from + width
      if (to >= length) break
      spans.push({ from, to, cuts: [] })
      const size = Math.max(1, width + 1 + change)
      owns.push(
        Array.from(
          { length: size },
          (_, index) => ({ name: `n${from}.${index}` }) as unknown as Struct,
        ),
      )
      next = to + 1
    }
    const expected = [...structs]
    for (let index = spans.length - 1; index >= 0; index--) {
      const { from, to } = spans[index]!
      expected.splice(from, to - from + 1, ...owns[index]!)
    }
    expect(putBack(structs, spans, owns)).toEqual(expected)
  },
)

// Manual-order positions: the fast bulk append gives exactly the library's keys, and row
// incarnations (data format 2) read back as the Yjs ids they were made from.
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { incarnationOf, parseIncarnation } from '../../src/incarnation.js'
import { positionsAfter, positionsBetween } from '../../src/row-order.js'

describe('positionsAfter', () => {
  it('gives the keys positionsBetween gives, across head changes', () => {
    for (const [before, count] of [
      [null, 5000],
      ['a0', 70],
      ['azz', 10],
      ['bzy', 4000],
      ['c0zzz', 10],
      ['a0V', 100],
      ['Zz', 100],
      ['zzzzzzzzzzzzzzzzzzzzzzzzzy', 3],
      ['not a key', 5],
    ] as const) {
      expect(positionsAfter(before, count)).toEqual(positionsBetween(before, null, count))
    }
    expect(positionsAfter('a5', 0)).toEqual([])
  })
})

describe('incarnations', () => {
  it('read back as the id they were made from, short for the clients Yjs makes', () => {
    expect(incarnationOf(2 ** 32 - 1, 0)).toHaveLength(6)
    expect(incarnationOf(1, 2 ** 21 - 1)).toHaveLength(8)
    expect(parseIncarnation(incarnationOf(2 ** 53 - 1, 5))).toEqual({
      client: 2 ** 53 - 1,
      clock: 5,
    })
  })

  test.prop([fc.maxSafeNat(), fc.integer({ min: 0, max: 2 ** 40 })])(
    'S19: every id has one incarnation, and other strings are none',
    (client, clock) => {
      const incarnation = incarnationOf(client, clock)
      expect(parseIncarnation(incarnation)).toEqual({ client, clock })
      expect(parseIncarnation(incarnation.slice(0, 5))).toBeUndefined()
      expect(parseIncarnation(`${incarnation}\u0080`)).toBeUndefined()
      expect(
        parseIncarnation(incarnation.slice(0, -1) + '\u0000' + incarnation.slice(-1)),
      ).not.toEqual({ client, clock })
    },
  )

  it('S19: a value from storage that is not an incarnation reads as none', () => {
    for (const value of [undefined, 3, '', 'abc', 'abcdefghijklmnopq', '\u007f12'])
      expect(parseIncarnation(value)).toBeUndefined()
  })
})

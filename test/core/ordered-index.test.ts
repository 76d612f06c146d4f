// The ordered index behind live queries and the manual order, checked against a sorted array,
// with and without a key prefix (the typed-array fast path that live queries use).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createOrderedIndex,
  stringPrefix,
  type KeyPrefix,
  type OrderedIndex,
} from '../../src/ordered-index.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS) || 30
const byNumber = (a: number, b: number): number => a - b

// A coarse prefix (many ties, so the comparator decides) and an exact one in two parts.
const prefixes: Record<string, KeyPrefix<number> | undefined> = {
  none: undefined,
  coarse: {
    width: 1,
    write: (value, out, at) => {
      out[at] = Math.floor(value / 100)
    },
  },
  exact: {
    width: 2,
    write: (value, out, at) => {
      out[at] = Math.floor(value / 64)
      out[at + 1] = value % 64
    },
  },
}

const make = (name: string, initial: number[]): OrderedIndex<number> =>
  createOrderedIndex(byNumber, initial, { prefix: prefixes[name] })

describe('ordered index', () => {
  it('keeps entries sorted and answers rank, at, slice and indexOf', () => {
    const index = createOrderedIndex(byNumber, [5, 1, 3])
    expect(index.insert(4)).toBe(2)
    expect([...index.values()]).toEqual([1, 3, 4, 5])
    expect(index.rank(2)).toBe(1)
    expect(index.at(3)).toBe(5)
    expect(index.at(4)).toBeUndefined()
    expect(index.slice(1, 3)).toEqual([3, 4])
    expect(index.indexOf(3)).toBe(1)
    expect(index.indexOf(2)).toBe(-1)
    expect(index.delete(1)).toBe(0)
    expect(index.delete(1)).toBe(-1)
    expect(index.size).toBe(3)
  })

  it('finds an entry equal to a stored one that is another object', () => {
    type Item = { readonly key: number }
    const index = createOrderedIndex<Item>((a, b) => a.key - b.key, [{ key: 2 }, { key: 7 }])
    expect(index.indexOf({ key: 7 })).toBe(1)
    expect(index.delete({ key: 2 })).toBe(0)
    expect(index.delete({ key: 2 })).toBe(-1)
    expect(index.slice(0, 5)).toEqual([{ key: 7 }])
  })

  it('S20: orders strings by code unit with a string prefix, long shared prefixes included', () => {
    const byUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
    const word = fc.string({ unit: fc.constantFrom('\u0000', 'a', 'b', '\uffff'), maxLength: 16 })
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 600 }),
        fc.array(word, { maxLength: 300 }),
        (start, more) => {
          const padded = (text: string) => `0123456789${text}`
          const initial = [...new Set(start.map(padded))]
          const index = createOrderedIndex(byUnit, initial, {
            prefix: stringPrefix((text) => text),
          })
          const model = new Set(initial)
          for (const text of more.map(padded)) {
            if (model.has(text)) {
              expect(index.delete(text)).toBeGreaterThanOrEqual(0)
              model.delete(text)
            } else {
              index.insert(text)
              model.add(text)
            }
          }
          expect([...index.values()]).toEqual([...model].sort())
        },
      ),
      { numRuns },
    )
  })

  for (const name of Object.keys(prefixes)) {
    it(`S20: agrees with a sorted array through inserts, deletes, splits and merges (prefix: ${name})`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 1500 }),
          fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 4000 })), {
            maxLength: 3000,
          }),
          (initial, operations) => {
            const distinct = [...new Set(initial)]
            const index = make(name, distinct)
            const model = [...distinct].sort(byNumber)
            for (const [isInsert, value] of operations) {
              const at = model.findIndex((item) => item >= value)
              const position = at === -1 ? model.length : at
              expect(index.rank(value)).toBe(position)
              if (isInsert && model[position] !== value) {
                expect(index.insert(value)).toBe(position)
                model.splice(position, 0, value)
              } else if (!isInsert) {
                const found = model[position] === value
                expect(index.delete(value)).toBe(found ? position : -1)
                if (found) model.splice(position, 1)
              }
            }
            expect(index.size).toBe(model.length)
            expect([...index.values()]).toEqual(model)
            expect(index.slice(10, 1500)).toEqual(model.slice(10, 1500))
            for (const probe of [0, 1, model.length >> 1, model.length - 1, model.length]) {
              expect(index.at(probe)).toBe(model[probe])
              if (probe < model.length) expect(index.indexOf(model[probe]!)).toBe(probe)
            }
          },
        ),
        { numRuns },
      )
    })

    it(`S20: keeps positions right across many chunks (prefix: ${name})`, () => {
      const index = make(
        name,
        Array.from({ length: 20_000 }, (_, i) => i * 2),
      )
      for (let i = 0; i < 5000; i++) index.insert(i * 8 + 1)
      for (let i = 0; i < 5000; i++) index.delete(i * 4)
      const model = [...index.values()]
      expect(model).toEqual([...model].sort(byNumber))
      expect(model.length).toBe(20_000)
      for (let probe = 0; probe < model.length; probe += 997) {
        expect(index.at(probe)).toBe(model[probe])
        expect(index.indexOf(model[probe]!)).toBe(probe)
      }
      expect(index.at(model.length)).toBeUndefined()
    })
  }
})

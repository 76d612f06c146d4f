// The ordered index behind live queries and the manual order: checked against a sorted array.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createOrderedIndex } from '../../src/index.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS) || 30
const byNumber = (a: number, b: number): number => a - b

describe('ordered index', () => {
  it('S20: agrees with a sorted array through inserts, deletes and chunk splits and merges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 1500 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 4000 })), { maxLength: 3000 }),
        (initial, operations) => {
          const distinct = [...new Set(initial)]
          const index = createOrderedIndex(byNumber, distinct)
          const model = [...distinct].sort(byNumber)
          for (const [isInsert, value] of operations) {
            const at = model.findIndex((item) => item >= value)
            const position = at === -1 ? model.length : at
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
          for (const probe of [0, 1, model.length >> 1, model.length - 1, model.length]) {
            expect(index.at(probe)).toBe(model[probe])
            if (probe < model.length) expect(index.indexOf(model[probe]!)).toBe(probe)
          }
          expect(index.slice(3, 1100)).toEqual(model.slice(3, 1100))
          expect(index.rank(1000.5)).toBe(model.filter((item) => item < 1000.5).length)
          expect(index.indexOf(-1)).toBe(-1)
        },
      ),
      { numRuns },
    )
  })

  it('S20: keeps positions right across many chunks', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => i * 2)
    const index = createOrderedIndex(byNumber, values)
    for (let i = 0; i < 5000; i++) index.insert(i * 8 + 1)
    for (let i = 0; i < 5000; i++) index.delete(i * 4)
    const model = [...index.values()]
    expect(model.length).toBe(20_000)
    for (let probe = 0; probe < model.length; probe += 997) {
      expect(index.at(probe)).toBe(model[probe])
      expect(index.indexOf(model[probe]!)).toBe(probe)
    }
    expect(index.at(model.length)).toBeUndefined()
  })
})

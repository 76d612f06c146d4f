import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { createOrderedIndex } from '../../src/index.js'

const byNumber = (a: number, b: number) => a - b

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

  test.prop(
    [fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { maxLength: 4000 })],
    { numRuns: 30 },
  )('matches a sorted array across chunk splits and merges', (operations) => {
    const index = createOrderedIndex(byNumber)
    const model: number[] = []
    for (const [isInsert, value] of operations) {
      const at = model.indexOf(value)
      if (isInsert && at === -1) {
        const expected = model.filter((entry) => entry < value).length
        expect(index.insert(value)).toBe(expected)
        model.splice(expected, 0, value)
      } else if (!isInsert) {
        expect(index.delete(value)).toBe(at)
        if (at !== -1) model.splice(at, 1)
      }
    }
    expect([...index.values()]).toEqual(model)
    expect(index.slice(10, 1500)).toEqual(model.slice(10, 1500))
    if (model.length > 0) expect(index.at(model.length - 1)).toBe(model.at(-1))
  })
})

import { describe, expect, it } from 'vitest'
import { fitsType, normalizeCell, readCell } from '../../src/schema.js'

describe('cell values', () => {
  it('normalizes writes: dates to ISO strings, empty to null', () => {
    expect(normalizeCell({ name: 'd', type: 'date' }, new Date(0), 'test')).toBe(
      '1970-01-01T00:00:00.000Z',
    )
    expect(normalizeCell({ name: 'd', type: 'date' }, '2026-12-02T10:00:00+01:00', 'test')).toBe(
      '2026-12-02T09:00:00.000Z',
    )
    expect(normalizeCell({ name: 's', type: 'string' }, undefined, 'test')).toBeNull()
    expect(normalizeCell({ name: 'j', type: 'json' }, { a: [1, { b: null }] }, 'test')).toEqual({
      a: [1, { b: null }],
    })
  })

  it('refuses values that do not fit, naming the column', () => {
    expect(() => normalizeCell({ name: 'n', type: 'number' }, Infinity, 'w')).toThrow(
      'w: column "n" expects a finite number, got number Infinity',
    )
    expect(() => normalizeCell({ name: 'b', type: 'boolean' }, 'yes', 'w')).toThrow(
      /expects a boolean/,
    )
    expect(() => normalizeCell({ name: 'j', type: 'json' }, new Map(), 'w')).toThrow(
      /expects a JSON value/,
    )
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(() => normalizeCell({ name: 'j', type: 'json' }, cycle, 'w')).toThrow(
      /expects a JSON value/,
    )
  })

  it('S15: dates before year 0 and after 9999 keep their expanded ISO form', () => {
    const early = readCell('date', -62167219200001)
    expect(early).toBe('-000001-12-31T23:59:59.999Z')
    expect(fitsType('date', early)).toBe(true)
    expect(readCell('date', '+275760-09-13T00:00:00.000Z')).toBe('+275760-09-13T00:00:00.000Z')
  })

  it('reads foreign values by lossless conversion (S15)', () => {
    expect(readCell('number', ' 7 ')).toBe(7)
    expect(readCell('number', '')).toBeNull()
    expect(readCell('string', true)).toBe('true')
    expect(readCell('boolean', 'false')).toBe(false)
    expect(readCell('date', 'not a date')).toBeNull()
    expect(readCell('json', undefined)).toBeNull()
    expect(fitsType('number', '7')).toBe(false)
    expect(fitsType('json', { a: 1 })).toBe(true)
    expect(fitsType('string', null)).toBe(true)
  })
})

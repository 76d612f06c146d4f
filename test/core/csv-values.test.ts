// CSV values: RFC 4180 quoting, the text of each column type, and reading fields back.
import { describe, expect, it } from 'vitest'
import {
  encodeCsvField,
  encodeCsvRecord,
  formatCsvCell,
  inferColumnType,
  parseCsvCell,
} from '../../src/internal.js'

describe('CSV values', () => {
  it('S110: quotes fields with commas, quotes, CR or LF, and tells an empty string from an empty cell', () => {
    expect(encodeCsvRecord(['plain', 'a,b', 'say "hi"', 'two\nlines', '', null])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","",\r\n',
    )
    expect(encodeCsvField('  spaced  ')).toBe('  spaced  ')
  })

  it('S110: writes each type in one text form', () => {
    expect(formatCsvCell('number', 1200.5)).toBe('1200.5')
    expect(formatCsvCell('number', 1e21)).toBe('1e+21')
    expect(formatCsvCell('boolean', false)).toBe('false')
    expect(formatCsvCell('date', '2026-12-01T10:00:00.000Z')).toBe('2026-12-01T10:00:00.000Z')
    expect(formatCsvCell('json', { a: [1, 'x'] })).toBe('{"a":[1,"x"]}')
    expect(formatCsvCell('string', null)).toBeNull()
  })

  it('S111: reads numbers with comma grouping, refuses currency and percent signs', () => {
    expect(parseCsvCell('number', '1,200', false)).toEqual({ value: 1200 })
    expect(parseCsvCell('number', ' -1,234,567.25 ', false)).toEqual({ value: -1234567.25 })
    expect(parseCsvCell('number', '1e3', false)).toEqual({ value: 1000 })
    for (const text of ['$12', '12%', '1,5', '12,34', '1 200', 'twelve', 'Infinity', '0x10'])
      expect(parseCsvCell('number', text, false), text).toHaveProperty('error')
  })

  it('S111: reads booleans, dates and JSON, and empty fields as empty cells or empty strings', () => {
    expect(parseCsvCell('boolean', 'Yes', false)).toEqual({ value: true })
    expect(parseCsvCell('boolean', '0', false)).toEqual({ value: false })
    expect(parseCsvCell('boolean', 'maybe', false)).toHaveProperty('error')
    expect(parseCsvCell('date', '2026-12-01', false)).toEqual({ value: '2026-12-01T00:00:00.000Z' })
    expect(parseCsvCell('date', '2026-12-01 10:30', false)).toEqual({
      value: '2026-12-01T10:30:00.000Z',
    })
    expect(parseCsvCell('date', '2026-12-01T11:00:00+01:00', false)).toEqual({
      value: '2026-12-01T10:00:00.000Z',
    })
    expect(parseCsvCell('date', '12/01/2026', false)).toHaveProperty('error')
    expect(parseCsvCell('json', '{"a":1}', true)).toEqual({ value: { a: 1 } })
    expect(parseCsvCell('json', '{a:1}', true)).toHaveProperty('error')
    expect(parseCsvCell('string', '', false)).toEqual({ value: null })
    expect(parseCsvCell('string', '', true)).toEqual({ value: '' })
    expect(parseCsvCell('number', '', true)).toEqual({ value: null })
  })

  it('S111: infers a new column type from its values', () => {
    expect(inferColumnType(['1', '0', ''])).toBe('number')
    expect(inferColumnType(['yes', 'no'])).toBe('boolean')
    expect(inferColumnType(['2026-12-01', '2026-12-02T10:00:00Z'])).toBe('date')
    expect(inferColumnType(['1,200', 'abc'])).toBe('string')
    expect(inferColumnType(['', ''])).toBe('string')
  })
})

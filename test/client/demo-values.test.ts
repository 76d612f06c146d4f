// The demo's reading of typed and pasted text (S122, S124): spreadsheet numbers, dates and
// booleans, and tab-separated clipboard text as Excel and Google Sheets write it.
import { describe, expect, it } from 'vitest'
import { parseTsv, toTsv } from '../../client/demo/clipboard.js'
import { editText, formatCell, parseCell } from '../../client/demo/values.js'
import { isTesseraError } from '../../src/index.js'

const refused = (text: string, type: Parameters<typeof parseCell>[1]): string | undefined => {
  try {
    parseCell(text, type)
  } catch (error) {
    return isTesseraError(error, 'SCHEMA_VIOLATION') ? error.message : 'another error'
  }
  return undefined
}

describe('typed values', () => {
  it('S124: numbers as people type them: separators, currency, accounting negatives, percent', () => {
    const cases: [string, number][] = [
      ['1,200', 1200],
      ['$12', 12],
      ['-€3.50', -3.5],
      ['(1,000.25)', -1000.25],
      ['12%', 0.12],
      ['1 200', 1200],
      ['1e3', 1000],
      ['.5', 0.5],
    ]
    for (const [text, value] of cases) expect(parseCell(text, 'number'), text).toBe(value)
    for (const text of ['1,2', '12abc', '$', '1,2000', '--1'])
      expect(refused(text, 'number'), text).toContain('is not a number, e.g. 42, 1,200')
    expect(formatCell(1200.5, 'number')).toBe('1,200.5')
    expect(editText(1200.5, 'number')).toBe('1200.5')
  })

  it('S124: dates, booleans, json, and empty text clears', () => {
    expect(parseCell('2026-12-02', 'date')).toEqual(new Date('2026-12-02T00:00:00.000Z'))
    expect(parseCell('Dec 2, 2026', 'date')).toEqual(new Date('2026-12-02T00:00:00.000Z'))
    expect(refused('soon', 'date')).toContain('is not a date')
    expect(editText('2026-12-02T00:00:00.000Z', 'date')).toBe('2026-12-02')
    for (const text of ['TRUE', 'yes', 'x', '1']) expect(parseCell(text, 'boolean')).toBe(true)
    for (const text of ['FALSE', 'no', '0']) expect(parseCell(text, 'boolean')).toBe(false)
    expect(editText(true, 'boolean')).toBe('TRUE')
    expect(parseCell('{"a": [1]}', 'json')).toEqual({ a: [1] })
    expect(refused('{a', 'json')).toContain('is not JSON')
    expect(parseCell('  ', 'number')).toBeNull()
    expect(parseCell('', 'string')).toBeNull()
    expect(parseCell('  a ', 'string')).toBe('  a ')
  })
})

describe('clipboard text', () => {
  it('S122: reads tab-separated rows with quoted cells as Excel and Google Sheets write them', () => {
    expect(parseTsv('a\tb\r\nc\td\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ])
    expect(parseTsv('"two\nlines"\t"tab\there"\n"say ""hi"""\t5" screen')).toEqual([
      ['two\nlines', 'tab\there'],
      ['say "hi"', '5" screen'],
    ])
    expect(parseTsv('"unclosed\tb')).toEqual([['"unclosed', 'b']])
    expect(parseTsv('a\n\nb')).toEqual([['a'], [''], ['b']])
    expect(parseTsv('')).toEqual([['']])
    const rows = [
      ['x', 'with\ttab', 'with "quote"'],
      ['multi\nline', '', 'z'],
    ]
    expect(parseTsv(toTsv(rows))).toEqual(rows)
  })
})

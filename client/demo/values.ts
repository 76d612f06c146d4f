// How the demo shows cell values as text and reads typed or pasted text back into cell values
// (S124): numbers with thousands separators and currency signs, dates, spreadsheet booleans.
import { TesseraError, type CellInput, type CellValue, type ColumnType } from '../../src/index.js'

/** The text a cell shows: numbers with thousands separators, dates without a midnight time. */
export function formatCell(value: CellValue | undefined, type: ColumnType): string {
  if (value === null || value === undefined) return ''
  if (type === 'number' && typeof value === 'number') return value.toLocaleString('en-US')
  return editText(value, type)
}

/**
 * The text an editor starts from, and what copy puts on the clipboard: what `parseCell` reads
 * back to the same value (numbers without separators, dates as ISO, booleans as TRUE/FALSE).
 */
export function editText(value: CellValue | undefined, type: ColumnType): string {
  if (value === null || value === undefined) return ''
  if (type === 'json') return JSON.stringify(value)
  if (type === 'boolean' && typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (type === 'date' && typeof value === 'string') return value.replace('T00:00:00.000Z', '')
  return describeValue(value)
}

/** A value as short text: strings as they are, anything else as JSON. */
export function describeValue(value: CellValue | undefined): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
}

/** Currency signs and spaces a number may carry: "$12", "€ 3.50", "1 200". */
const numberNoise = /[$€£¥\s\u00a0]/g

/**
 * Reads a number as people type it: `1,200`, `$12`, `-€3.50`, `(12)` (accounting negative),
 * `12%` (0.12). Undefined when the text is not a number.
 */
export function parseNumber(text: string): number | undefined {
  let body = text.trim().replace(numberNoise, '')
  let sign = 1
  if (/^\(.*\)$/.test(body)) {
    sign = -1
    body = body.slice(1, -1)
  }
  if (body.startsWith('-')) {
    sign = -sign
    body = body.slice(1)
  }
  const percent = body.endsWith('%')
  if (percent) body = body.slice(0, -1)
  // Thousands separators only between groups of three digits: "1,200" but not "1,2".
  if (!/^(\d{1,3}(,\d{3})+|\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(body) || !/\d/.test(body))
    return undefined
  const number = Number(body.replaceAll(',', ''))
  if (!Number.isFinite(number)) return undefined
  return (sign * number) / (percent ? 100 : 1)
}

/** Reads a date: ISO (`2026-12-02`, with a time or not) or what `Date` reads (`Dec 2, 2026`). */
export function parseDate(text: string): Date | undefined {
  const trimmed = text.trim()
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed)
  const date = iso !== null ? new Date(`${trimmed}T00:00:00.000Z`) : new Date(trimmed)
  if (Number.isNaN(date.getTime())) return undefined
  if (iso !== null || /\d{1,2}:\d{2}/.test(trimmed)) return date
  // A date without a time is that day, not local midnight shifted to UTC.
  return new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()))
}

/** Reads a spreadsheet boolean: TRUE/FALSE, yes/no, 1/0, x, ✓. */
export function parseBoolean(text: string): boolean | undefined {
  const trimmed = text.trim()
  if (/^(true|yes|y|1|x|✓|✔|on)$/i.test(trimmed)) return true
  if (/^(false|no|n|0|off)$/i.test(trimmed)) return false
  return undefined
}

/**
 * Reads what the user typed or pasted as a value of the column's type; empty text clears the
 * cell (S124).
 * @throws SCHEMA_VIOLATION whose message tells the user what the column takes
 */
export function parseCell(text: string, type: ColumnType): CellInput {
  const trimmed = text.trim()
  if (trimmed === '') return type === 'string' && text !== '' ? text : null
  switch (type) {
    case 'string':
      return text
    case 'number':
      return parseNumber(trimmed) ?? invalid(text, 'a number, e.g. 42, 1,200, $12 or 3.5%')
    case 'boolean':
      return parseBoolean(trimmed) ?? invalid(text, 'true or false (or yes/no, 1/0)')
    case 'date':
      return parseDate(trimmed) ?? invalid(text, 'a date, e.g. 2026-12-02 or Dec 2, 2026')
    case 'json':
      try {
        return JSON.parse(trimmed) as CellValue
      } catch {
        return invalid(text, 'JSON, e.g. ["a", 1], {"k": true} or "text" in quotes')
      }
  }
}

function invalid(text: string, expected: string): never {
  throw new TesseraError('SCHEMA_VIOLATION', `"${text}" is not ${expected}`)
}

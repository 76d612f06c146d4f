// How cells become CSV fields and back (docs/csv.md): one text form per column type, RFC 4180
// quoting, and the empty-field rule. Pure; the parsing of CSV text is csv-parse's, in the server.
import type { CellValue, ColumnType } from './schema.js'

/**
 * One field of a CSV record, quoted when RFC 4180 needs it (a comma, a quote, CR or LF) or when it
 * is an empty string: an unquoted empty field is an empty cell (null), `""` an empty string.
 */
export function encodeCsvField(text: string | null): string {
  if (text === null) return ''
  if (text === '' || /[",\r\n]/.test(text)) return `"${text.replaceAll('"', '""')}"`
  return text
}

/** One CSV record (RFC 4180: fields joined by commas, ended by CRLF). */
export function encodeCsvRecord(fields: readonly (string | null)[]): string {
  return `${fields.map(encodeCsvField).join(',')}\r\n`
}

/**
 * The text of a cell in a CSV file: strings as they are, numbers in JavaScript's shortest
 * round-trip form (`1200.5`, `1e+21`), booleans `true`/`false`, dates as ISO 8601 UTC, JSON as
 * JSON text; null (an empty cell) as null.
 */
export function formatCsvCell(type: ColumnType, value: CellValue): string | null {
  if (value === null) return null
  switch (type) {
    case 'string':
    case 'date':
      return typeof value === 'string' ? value : JSON.stringify(value)
    case 'number':
    case 'boolean':
      return typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value)
    case 'json':
      return JSON.stringify(value)
  }
}

/** A parsed field: the cell value, or why the text does not fit the column. */
export type CsvCell = { value: CellValue } | { error: string }

const plainNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const groupedNumber = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/
const trueWords = new Set(['true', 'yes', 'y', '1'])
const falseWords = new Set(['false', 'no', 'n', '0'])
const isoDate = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/

const parseNumber = (text: string): CsvCell => {
  const trimmed = text.trim()
  const digits = groupedNumber.test(trimmed) ? trimmed.replaceAll(',', '') : trimmed
  const number = plainNumber.test(digits) ? Number(digits) : Number.NaN
  if (Number.isFinite(number)) return { value: number }
  return {
    error: `expects a number (1200, -3.5, 1e3 or 1,200), got ${JSON.stringify(text)}; remove currency signs, percent signs and spaces`,
  }
}

const parseDate = (text: string): CsvCell => {
  const trimmed = text.trim()
  // A date and time without a zone is read as UTC, like a date alone.
  const zoned =
    /T|\s/.test(trimmed) && !/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ? `${trimmed}Z` : trimmed
  const time = isoDate.test(trimmed) ? Date.parse(zoned.replace(' ', 'T')) : Number.NaN
  if (Number.isFinite(time)) return { value: new Date(time).toISOString() }
  return {
    error: `expects an ISO 8601 date (2026-12-01 or 2026-12-01T10:00:00Z), got ${JSON.stringify(text)}`,
  }
}

/**
 * Reads the text of a CSV field as a cell of a column of `type` (docs/csv.md, "Values"). An
 * unquoted empty field is an empty cell (null); a quoted empty field is an empty string in a
 * string column and an empty cell in the others.
 */
export function parseCsvCell(type: ColumnType, text: string, isQuoted: boolean): CsvCell {
  if (text === '' || (type !== 'string' && text.trim() === '')) {
    return { value: type === 'string' && isQuoted ? '' : null }
  }
  switch (type) {
    case 'string':
      return { value: text }
    case 'number':
      return parseNumber(text)
    case 'boolean': {
      const word = text.trim().toLowerCase()
      if (trueWords.has(word)) return { value: true }
      if (falseWords.has(word)) return { value: false }
      return { error: `expects true or false (also yes/no, y/n, 1/0), got ${JSON.stringify(text)}` }
    }
    case 'date':
      return parseDate(text)
    case 'json':
      try {
        return { value: JSON.parse(text) as CellValue }
      } catch {
        return { error: `expects JSON text, got ${JSON.stringify(text.slice(0, 40))}` }
      }
  }
}

/**
 * The type a new column gets from its fields (when an import creates it): number when every
 * non-empty field is a number (so 1/0 columns are numbers), else boolean when every one is a
 * boolean word, else date when every one is an ISO 8601 date, else string.
 */
export function inferColumnType(fields: Iterable<string>): ColumnType {
  const candidates = new Set<ColumnType>(['number', 'boolean', 'date'])
  let isEmpty = true
  for (const field of fields) {
    if (field.trim() === '') continue
    isEmpty = false
    for (const type of candidates)
      if ('error' in parseCsvCell(type, field, false)) candidates.delete(type)
    if (candidates.size === 0) return 'string'
  }
  if (isEmpty) return 'string'
  for (const type of ['number', 'boolean', 'date'] as const) if (candidates.has(type)) return type
  return 'string'
}

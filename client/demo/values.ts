// How the demo shows cell values as text and reads typed text back into cell values.
import { TesseraError, type CellInput, type CellValue, type ColumnType } from '../../src/index.js'

/** The text a cell shows. */
export function formatCell(value: CellValue | undefined, type: ColumnType): string {
  if (value === null || value === undefined) return ''
  if (type === 'json') return JSON.stringify(value)
  if (type === 'date' && typeof value === 'string') return value.replace('T00:00:00.000Z', '')
  return describeValue(value)
}

/** A value as short text: strings as they are, anything else as JSON. */
export function describeValue(value: CellValue | undefined): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
}

/**
 * Reads what the user typed as a value of the column's type; empty text clears the cell.
 * @throws SCHEMA_VIOLATION with a message for the user when the text does not fit the type
 */
export function parseCell(text: string, type: ColumnType): CellInput {
  const trimmed = text.trim()
  if (trimmed === '') return null
  switch (type) {
    case 'string':
      return text
    case 'number': {
      const number = Number(trimmed)
      if (!Number.isFinite(number)) throw invalid(text, 'a number, e.g. 42 or 3.5')
      return number
    }
    case 'boolean':
      if (/^(true|yes|1|x)$/i.test(trimmed)) return true
      if (/^(false|no|0)$/i.test(trimmed)) return false
      throw invalid(text, 'true or false')
    case 'date': {
      const date = new Date(trimmed)
      if (Number.isNaN(date.getTime())) throw invalid(text, 'a date, e.g. 2026-12-02')
      return date
    }
    case 'json':
      try {
        return JSON.parse(trimmed) as CellValue
      } catch {
        throw invalid(text, 'JSON, e.g. ["a", 1] or {"k": true}')
      }
  }
}

function invalid(text: string, expected: string): TesseraError {
  return new TesseraError('SCHEMA_VIOLATION', `"${text}" is not ${expected}`)
}

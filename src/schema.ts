// Column types and the two cell rules: what a write may store (normalizeCell) and how a
// stored value is read (readCell). Pure functions; the Y.Doc layout is elsewhere.
import { TesseraError } from './errors.js'
import type { ColumnId } from './ids.js'

/** The types a column may have. */
export type ColumnType = 'string' | 'number' | 'boolean' | 'date' | 'json'
/** Every column type, in the order the docs list them. */
export const columnTypes: readonly ColumnType[] = ['string', 'number', 'boolean', 'date', 'json']

/** A JSON value: what a `json` cell holds. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/**
 * A cell's value as the API reads it: `date` cells read as ISO 8601 strings in UTC,
 * an empty cell reads as `null`.
 */
export type CellValue = JsonValue

/** What a write may pass for a cell; a `Date` is accepted for `date` columns. */
export type CellInput = CellValue | Date | undefined

/** A column as the API describes it. */
export interface Column {
  readonly id: ColumnId
  readonly name: string
  readonly type: ColumnType
  /** The value of the column's cells in rows that never set it. */
  readonly default: CellValue
  /** Fractional-index position among the columns (the display order). */
  readonly position: string
}

/** The column names the row API reserves. */
export const reservedColumnNames: ReadonlySet<string> = new Set(['id', '__proto__'])

/** Checks a column name at the door. @throws INVALID_ARGUMENT */
export function checkColumnName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: a column name must be a non-empty string of at most 200 characters, got ${describe(name)}`,
    )
  }
  if (reservedColumnNames.has(name)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: "${name}" is reserved for the row id; choose another column name`,
    )
  }
  return name
}

/** Checks a column type at the door. @throws INVALID_ARGUMENT */
export function checkColumnType(type: unknown, where: string): ColumnType {
  if (typeof type === 'string' && (columnTypes as readonly string[]).includes(type)) {
    return type as ColumnType
  }
  throw new TesseraError(
    'INVALID_ARGUMENT',
    `${where}: column type must be one of ${columnTypes.join(', ')}, got ${describe(type)}`,
  )
}

/**
 * Turns a value written to a column into what is stored, or throws. `null` and `undefined`
 * store an empty cell. Dates are stored as ISO 8601 UTC strings.
 * @throws SCHEMA_VIOLATION when the value does not fit the column type
 */
export function normalizeCell(
  column: Pick<Column, 'name' | 'type'>,
  value: unknown,
  where: string,
): CellValue {
  if (value === null || value === undefined) return null
  switch (column.type) {
    case 'string':
      if (typeof value === 'string') return value
      return failCell(column, value, where, 'a string')
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return value
      return failCell(column, value, where, 'a finite number')
    case 'boolean':
      if (typeof value === 'boolean') return value
      return failCell(column, value, where, 'a boolean')
    case 'date': {
      if (typeof value === 'string' && isCanonicalDate(value)) return value
      const time = toTime(value)
      if (time !== undefined) return new Date(time).toISOString()
      return failCell(column, value, where, 'a Date, an ISO 8601 string or milliseconds since 1970')
    }
    case 'json':
      if (isJson(value, 0)) return value as JsonValue
      return failCell(
        column,
        value,
        where,
        'a JSON value (no functions, cycles, NaN, Infinity or "__proto__" keys)',
      )
  }
}

function failCell(
  column: Pick<Column, 'name' | 'type'>,
  value: unknown,
  where: string,
  expected: string,
): never {
  throw new TesseraError(
    'SCHEMA_VIOLATION',
    `${where}: column "${column.name}" expects ${expected}, got ${describe(value)}`,
    { details: { column: column.name, type: column.type } },
  )
}

/**
 * Reads a stored value under the column's current type (S15). A value of another type, from
 * an older schema or another replica, is converted when the conversion loses nothing
 * ("12" reads as 12 in a number column, 12 as "12" in a string column); otherwise it reads
 * as `null`. Every replica reads the same stored value the same way.
 */
export function readCell(type: ColumnType, stored: unknown): CellValue {
  if (stored === null || stored === undefined) return null
  switch (type) {
    case 'string':
      if (typeof stored === 'string') return stored
      return typeof stored === 'number' || typeof stored === 'boolean' ? String(stored) : null
    case 'number':
      if (typeof stored === 'number') return Number.isFinite(stored) ? stored : null
      if (typeof stored === 'string' && stored.trim() !== '') {
        const number = Number(stored)
        return Number.isFinite(number) ? number : null
      }
      return null
    case 'boolean':
      if (typeof stored === 'boolean') return stored
      return stored === 'true' ? true : stored === 'false' ? false : null
    case 'date': {
      if (typeof stored === 'string' && isCanonicalDate(stored)) return stored
      const time = toTime(stored)
      return time === undefined ? null : new Date(time).toISOString()
    }
    case 'json':
      return isJson(stored, 0) ? (stored as JsonValue) : null
  }
}

const daysIn = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
/** The decimal number written at `from` to `to` of `value`; -1 when a unit is not a digit. */
function decimalAt(value: string, from: number, to: number): number {
  let number = 0
  for (let at = from; at < to; at++) {
    const digit = value.charCodeAt(at) - 0x30
    if (digit < 0 || digit > 9) return -1
    number = number * 10 + digit
  }
  return number
}

/**
 * True when `value` is a date exactly as `toISOString` writes it (what dates are stored as), so
 * it reads as itself without the cost of parsing and printing it again. Read unit by unit: a
 * bulk insert checks one per row and date column.
 */
function isCanonicalDate(value: string): boolean {
  if (
    value.length !== 24 ||
    value.charCodeAt(4) !== 0x2d ||
    value.charCodeAt(7) !== 0x2d ||
    value.charCodeAt(10) !== 0x54 ||
    value.charCodeAt(13) !== 0x3a ||
    value.charCodeAt(16) !== 0x3a ||
    value.charCodeAt(19) !== 0x2e ||
    value.charCodeAt(23) !== 0x5a ||
    decimalAt(value, 20, 23) < 0
  )
    return false
  const year = decimalAt(value, 0, 4)
  const month = decimalAt(value, 5, 7)
  const day = decimalAt(value, 8, 10)
  const isLeap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = month === 2 && isLeap ? 29 : daysIn[month - 1]
  const hour = decimalAt(value, 11, 13)
  const minute = decimalAt(value, 14, 16)
  const second = decimalAt(value, 17, 19)
  return (
    year >= 0 &&
    days !== undefined &&
    day >= 1 &&
    day <= days &&
    hour >= 0 &&
    hour < 24 &&
    minute >= 0 &&
    minute < 60 &&
    second >= 0 &&
    second < 60
  )
}

/**
 * True when a stored value is read unchanged under `type` (no conversion, not emptied): what
 * `readCell(type, stored)` returns it as itself for, checked without converting it.
 */
export function fitsType(type: ColumnType, stored: unknown): boolean {
  if (stored === null || stored === undefined) return true
  switch (type) {
    case 'string':
      return typeof stored === 'string'
    case 'number':
      return typeof stored === 'number' && Number.isFinite(stored)
    case 'boolean':
      return typeof stored === 'boolean'
    case 'date':
      // An expanded year (before 0 or after 9999) is not canonical but reads as itself.
      return (
        typeof stored === 'string' && (isCanonicalDate(stored) || readCell(type, stored) === stored)
      )
    case 'json':
      return isJson(stored, 0)
  }
}

function toTime(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime()
  if (typeof value === 'number')
    return Number.isFinite(value) && Math.abs(value) <= 8.64e15 ? value : undefined
  if (typeof value === 'string' && /^([+-]\d{6}|\d{4})-\d{2}-\d{2}/.test(value)) {
    const time = Date.parse(value)
    return Number.isNaN(time) ? undefined : time
  }
  return undefined
}

function isJson(value: unknown, depth: number): boolean {
  if (depth > 64) return false
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1))
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown
    if (prototype !== Object.prototype && prototype !== null) return false
    // Yjs and lib0 decode objects by assignment, which drops a "__proto__" key: a replica that
    // kept one would read the cell differently from every other (S166).
    if (Object.hasOwn(value, '__proto__')) return false
    // Own enumerable string keys, as Object.values lists them, without an array per object.
    for (const key in value) {
      if (Object.hasOwn(value, key) && !isJson((value as Record<string, unknown>)[key], depth + 1))
        return false
    }
    return true
  }
  return false
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') {
    return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`
  }
  if (typeof value === 'number' || typeof value === 'boolean')
    return `${typeof value} ${String(value)}`
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Date) return 'an invalid Date'
  return typeof value === 'object' ? 'an object' : typeof value
}

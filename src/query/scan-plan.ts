// A query made ready for one scan of a table: the columns the scan reads, the filter as a function
// of a row's values, and the sort values of matching rows kept in flat arrays (one per sort key),
// so a scan makes no object per row. Evaluates exactly as query-match.ts does.
import type { RowId } from '../ids.js'
import type { CellValue, Column, ColumnType } from '../schema.js'
import type { Condition, ParsedQuery, SortKey } from './query.js'
import { matchesTest, sortValueOf, type SortValue } from './query-match.js'

/** The filter over one row: its id and its values of the plan's columns. */
export type RowTest = (id: RowId, values: readonly CellValue[]) => boolean

/** How one scan reads and filters the rows of a query. */
export interface ScanPlan {
  /** The table columns the query reads (where and orderBy), in table order. */
  readonly columns: readonly Column[]
  readonly matches: RowTest
}

/** The plan of `query` over a table of `columns`. */
export function planScan(query: ParsedQuery, columns: readonly Column[]): ScanPlan {
  const names = columnNamesOf(query.where, new Set(query.orderBy.map((key) => key.column)))
  const read = columns.filter((column) => names.has(column.name))
  const indexOf = (name: string): number => read.findIndex((column) => column.name === name)
  return { columns: read, matches: compileCondition(query.where, indexOf) }
}

/** The names of the columns a condition reads, added to `names`. */
function columnNamesOf(condition: Condition | undefined, names: Set<string>): Set<string> {
  if (condition === undefined) return names
  switch (condition.kind) {
    case 'and':
    case 'or':
      for (const part of condition.conditions) columnNamesOf(part, names)
      return names
    case 'not':
      return columnNamesOf(condition.condition, names)
    case 'test':
      return names.add(condition.column)
  }
}

/** `condition` as a function of a row's values; `indexOf` places a column (-1: the row id). */
function compileCondition(
  condition: Condition | undefined,
  indexOf: (name: string) => number,
): RowTest {
  if (condition === undefined) return () => true
  switch (condition.kind) {
    case 'and': {
      const parts = condition.conditions.map((part) => compileCondition(part, indexOf))
      return (id, values) => parts.every((part) => part(id, values))
    }
    case 'or': {
      const parts = condition.conditions.map((part) => compileCondition(part, indexOf))
      return (id, values) => parts.some((part) => part(id, values))
    }
    case 'not': {
      const part = compileCondition(condition.condition, indexOf)
      return (id, values) => !part(id, values)
    }
    case 'test': {
      const at = indexOf(condition.column)
      const { operator, operand, type } = condition
      // eq on a plain type is identity: the cell and the operand are read under the column type
      // (an empty cell, null, equals no operand: eq null was parsed to isNull).
      if (operator === 'eq' && operand !== null && isPlainType(type)) {
        return at < 0 ? (id) => id === operand : (_, values) => values[at] === operand
      }
      return at < 0
        ? (id) => matchesTest(condition, id)
        : (_, values) => matchesTest(condition, values[at])
    }
  }
}

const isPlainType = (type: ColumnType): boolean =>
  type === 'string' || type === 'number' || type === 'boolean'

/** The sort values of the matching rows of one scan, by row number (the order they were added). */
export interface SortColumns {
  readonly size: number
  /** Adds the sort values of one row (its id and its values of the plan's columns). */
  push(id: RowId, values: readonly CellValue[]): void
  /** Compares rows `a` and `b` by their sort keys as compareSortKeys does (0: they tie). */
  compare(a: number, b: number): number
  /** The sort values of row `at`, as sortValuesOf gives them, written into `into`. */
  valuesAt(at: number, into: SortValue[]): SortValue[]
}

/** One sort key's values: numbers (NaN for null) for number, date and boolean keys; else any. */
interface KeyColumn {
  readonly type: ColumnType
  /** Where the key's column is among the plan's values (-1: the row id). */
  readonly at: number
  readonly isAscending: boolean
  readonly isNullFirst: boolean
  readonly isNumeric: boolean
  numbers: Float64Array
  others: (string | null)[]
}

/**
 * Flat sort columns for `orderBy`, whose columns are placed among a row's values by `plan`, with
 * room for `capacity` rows (they grow past it).
 */
export function createSortColumns(
  orderBy: readonly SortKey[],
  plan: ScanPlan,
  capacity: number,
): SortColumns {
  const keys: KeyColumn[] = orderBy.map((key) => {
    const isNumeric = key.type === 'number' || key.type === 'date' || key.type === 'boolean'
    return {
      type: key.type,
      at: plan.columns.findIndex((column) => column.name === key.column),
      isAscending: key.direction === 'asc',
      isNullFirst: key.nulls === 'first',
      isNumeric,
      numbers: new Float64Array(isNumeric ? capacity : 0),
      others: isNumeric ? [] : new Array<string | null>(capacity),
    }
  })
  let size = 0
  return {
    get size() {
      return size
    },
    push(id, values) {
      for (const column of keys) {
        const value = column.at < 0 ? id : values[column.at]!
        if (!column.isNumeric)
          column.others[size] = sortValueOf(column.type, value) as string | null
        else {
          if (size === column.numbers.length) column.numbers = grown(column.numbers)
          column.numbers[size] = numberOf(column.type, value)
        }
      }
      size++
    },
    compare(a, b) {
      for (const column of keys) {
        const order = column.isNumeric ? compareNumbers(column, a, b) : compareOthers(column, a, b)
        if (order !== 0) return order
      }
      return 0
    },
    valuesAt(at, into) {
      for (let key = 0; key < keys.length; key++) into[key] = valueAt(keys[key]!, at)
      return into
    },
  }
}

/** A number, date or boolean cell as a number that sorts like its sort value (NaN: null). */
function numberOf(type: ColumnType, value: CellValue): number {
  if (value === null) return NaN
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  const time = type === 'date' ? sortValueOf(type, value) : null
  return time === null ? NaN : Number(time)
}

function grown(numbers: Float64Array): Float64Array {
  const next = new Float64Array(Math.max(16, numbers.length * 2))
  next.set(numbers)
  return next
}

// Both compare as compareSortKeys does one key: nulls where the key puts them, whatever the
// direction; NaN stands for null among numbers (a number cell is never NaN, S15).
function compareNumbers(column: KeyColumn, a: number, b: number): number {
  const x = column.numbers[a]!
  const y = column.numbers[b]!
  if (x === y) return 0
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : column.isNullFirst ? -1 : 1
  if (Number.isNaN(y)) return column.isNullFirst ? 1 : -1
  return x < y === column.isAscending ? -1 : 1
}

function compareOthers(column: KeyColumn, a: number, b: number): number {
  const x = column.others[a] as string | null
  const y = column.others[b] as string | null
  if (x === y) return 0
  if (x === null) return column.isNullFirst ? -1 : 1
  if (y === null) return column.isNullFirst ? 1 : -1
  return x < y === column.isAscending ? -1 : 1
}

function valueAt(column: KeyColumn, at: number): SortValue {
  if (!column.isNumeric) return column.others[at] as string | null
  const number = column.numbers[at]!
  if (Number.isNaN(number)) return null
  return column.type === 'boolean' ? number === 1 : number
}

// Evaluating a parsed query: whether a row matches, how rows sort, and the from-scratch run over
// plain rows that live queries are checked against. Collation: UTF-16 code units, case-sensitive.
import type { Condition, ParsedQuery, SortKey, TestCondition } from './query.js'
import type { CellValue, ColumnType } from '../schema.js'
import type { Row } from '../row.js'

/** A cell value as it sorts: dates as milliseconds since 1970, json as canonical text. */
export type SortValue = string | number | boolean | null

/** The comparable form of a cell: dates compare by time, json by canonical text. */
export function sortValueOf(type: ColumnType, value: CellValue | undefined): SortValue {
  if (value === null || value === undefined) return null
  if (type === 'date') {
    const time = typeof value === 'string' ? Date.parse(value) : NaN
    return Number.isNaN(time) ? null : time
  }
  if (type === 'json') return canonicalJson(value)
  return value as SortValue
}

/** True when `row` passes the filter (undefined: every row passes). */
export function matchesCondition(condition: Condition | undefined, row: Row): boolean {
  if (condition === undefined) return true
  switch (condition.kind) {
    case 'and':
      return condition.conditions.every((part) => matchesCondition(part, row))
    case 'or':
      return condition.conditions.some((part) => matchesCondition(part, row))
    case 'not':
      return !matchesCondition(condition.condition, row)
    case 'test':
      return matchesTest(condition, row[condition.column])
  }
}

/** True when one cell passes one test (an absent cell is an empty one). */
export function matchesTest(test: TestCondition, cell: CellValue | undefined): boolean {
  const { operator, operand, type } = test
  if (operator === 'isNull') return (cell === null || cell === undefined) === operand
  // ne and nin hold for an empty cell: it equals no value.
  if (operator === 'ne') return !equals(type, cell, operand as CellValue)
  if (operator === 'nin') return !(operand as CellValue[]).some((item) => equals(type, cell, item))
  if (cell === null || cell === undefined) return false
  switch (operator) {
    case 'eq':
      return equals(type, cell, operand as CellValue)
    case 'in':
      return (operand as CellValue[]).some((item) => equals(type, cell, item))
    case 'gt':
      return compareValues(type, cell, operand as CellValue) > 0
    case 'gte':
      return compareValues(type, cell, operand as CellValue) >= 0
    case 'lt':
      return compareValues(type, cell, operand as CellValue) < 0
    case 'lte':
      return compareValues(type, cell, operand as CellValue) <= 0
    case 'between': {
      const [low, high] = operand as [CellValue, CellValue]
      return compareValues(type, cell, low) >= 0 && compareValues(type, cell, high) <= 0
    }
    case 'contains':
      if (type === 'json') {
        const wanted = canonicalJson(operand as CellValue)
        return Array.isArray(cell) && cell.some((item) => canonicalJson(item) === wanted)
      }
      return typeof cell === 'string' && cell.includes(operand as string)
    case 'startsWith':
      return typeof cell === 'string' && cell.startsWith(operand as string)
    case 'endsWith':
      return typeof cell === 'string' && cell.endsWith(operand as string)
  }
}

function equals(type: ColumnType, cell: CellValue | undefined, operand: CellValue): boolean {
  if (cell === null || cell === undefined) return false
  if (type === 'json') return canonicalJson(cell) === canonicalJson(operand)
  return compareValues(type, cell, operand) === 0
}

function compareValues(type: ColumnType, a: CellValue, b: CellValue): number {
  return compareSortValues(sortValueOf(type, a), sortValueOf(type, b))
}

function compareSortValues(a: SortValue, b: SortValue): number {
  return a! < b! ? -1 : a! > b! ? 1 : 0
}

/**
 * Compares two rows' sort values under `orderBy`; 0 means the sort keys tie (the caller then
 * falls back to the manual order). Nulls go where each key says, whatever the direction.
 */
export function compareSortKeys(
  orderBy: readonly SortKey[],
  a: readonly SortValue[],
  b: readonly SortValue[],
): number {
  for (let i = 0; i < orderBy.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x === y) continue
    const key = orderBy[i]!
    if (x === null) return key.nulls === 'first' ? -1 : 1
    if (y === null) return key.nulls === 'first' ? 1 : -1
    const order = compareSortValues(x, y)
    if (order !== 0) return key.direction === 'asc' ? order : -order
  }
  return 0
}

/** The sort values of a row under `orderBy`. */
export function sortValuesOf(orderBy: readonly SortKey[], row: Row): SortValue[] {
  return orderBy.map((key) => sortValueOf(key.type, row[key.column]))
}

/** The row as a result carries it: `id` plus the selected columns (all when select is absent). */
export function projectRow(select: readonly string[] | undefined, row: Row): Row {
  if (select === undefined) return row
  const projected: Record<string, CellValue> = { id: row.id }
  for (const name of select) projected[name] = row[name] ?? null
  return projected as Row
}

/**
 * Runs a parsed query from scratch over rows given in manual order; ties in `orderBy` keep that
 * order. This is the reference a live query's result always equals (S20).
 * @example
 * const { rows, total } = evaluateQuery(parseQuery(query, table.columns()), table.listRows())
 */
export function evaluateQuery(
  query: ParsedQuery,
  rows: readonly Row[],
): { rows: Row[]; total: number } {
  let matching = rows.filter((row) => matchesCondition(query.where, row))
  if (query.orderBy.length > 0) {
    const keyed = matching.map((row) => ({ row, key: sortValuesOf(query.orderBy, row) }))
    // Array.prototype.sort is stable: ties keep the manual order.
    keyed.sort((a, b) => compareSortKeys(query.orderBy, a.key, b.key))
    matching = keyed.map(({ row }) => row)
  }
  const end = query.limit === undefined ? undefined : query.offset + query.limit
  const window = matching.slice(query.offset, end)
  return { rows: window.map((row) => projectRow(query.select, row)), total: matching.length }
}

/** JSON text with object keys sorted, so equal values have equal text. */
export function canonicalJson(value: CellValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const keys = Object.keys(value).sort()
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`).join(',')}}`
}

// Checking a query once at the door against a table's columns (docs/queries.md), with the
// path and a "did you mean" suggestion in every error; the result is a ParsedQuery.
import { TesseraError } from '../errors.js'
import { describe, readCell, type CellValue } from '../schema.js'
import {
  operatorsByType,
  type ComparisonOperator,
  type Condition,
  type ParsedQuery,
  type QueryColumn,
  type SortKey,
  type TestCondition,
} from './query.js'
import { closest } from './suggest.js'

const allOperators = operatorsByType.string

const queryKeys = ['where', 'orderBy', 'limit', 'offset', 'select']

/** Deepest nesting of `and`, `or` and `not` in a query's `where` (S89). */
export const maxQueryDepth = 32

/**
 * Checks a query against the table's columns and returns its parsed form.
 * The row id can be used as a string column named `id`.
 * @example
 * parseQuery({ where: { priority: { gt: 3 } }, orderBy: [['priority', 'desc']], limit: 50 }, table.columns())
 * @throws INVALID_QUERY naming the path (`where.priority.gtt`) and what to do, with a
 *   "did you mean" suggestion for a misspelt key, operator or column
 */
export function parseQuery(query: unknown, columns: readonly QueryColumn[]): ParsedQuery {
  if (!isPlainObject(query)) fail('query', `expected an object, got ${describe(query)}`)
  for (const key of Object.keys(query)) {
    if (!queryKeys.includes(key)) fail(key, `unknown query key${suggestion(key, queryKeys)}`)
  }
  const byName = new Map<string, QueryColumn>([['id', { name: 'id', type: 'string' }]])
  for (const column of columns) byName.set(column.name, column)
  const used = new Set<string>()
  const resolve = (name: string, path: string): QueryColumn => {
    const column = byName.get(name)
    if (column === undefined) {
      fail(path, `unknown column "${name}"${suggestion(name, [...byName.keys()])}`)
    }
    used.add(name)
    return column
  }
  const where = query.where === undefined ? undefined : parseWhere(query.where, 'where', resolve)
  const orderBy = parseOrderBy(query.orderBy, resolve)
  const limit = parseCount(query.limit, 'limit')
  const offset = parseCount(query.offset, 'offset') ?? 0
  let select: string[] | undefined
  if (query.select !== undefined) {
    if (!Array.isArray(query.select)) {
      fail('select', `expected an array of column names, got ${describe(query.select)}`)
    }
    select = (query.select as unknown[]).map((name, index) => {
      if (typeof name !== 'string')
        fail(`select[${index}]`, `expected a column name, got ${describe(name)}`)
      return resolve(name, `select[${index}]`).name
    })
  }
  return { where, orderBy, limit, offset, select, columns: used }
}

type Resolve = (name: string, path: string) => QueryColumn

function parseWhere(where: unknown, path: string, resolve: Resolve, depth = 0): Condition {
  // S89: a bound, so a hostile query cannot exhaust the stack of whoever parses it.
  if (depth > maxQueryDepth) {
    fail(path, `and, or and not nest deeper than ${maxQueryDepth} levels; flatten the query`)
  }
  if (!isPlainObject(where))
    fail(path, `expected an object of column filters, got ${describe(where)}`)
  const conditions: Condition[] = []
  for (const [key, value] of Object.entries(where)) {
    const keyPath = `${path}.${key}`
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value))
        fail(keyPath, `expected an array of filters, got ${describe(value)}`)
      const parts = (value as unknown[]).map((item, index) =>
        parseWhere(item, `${keyPath}[${index}]`, resolve, depth + 1),
      )
      conditions.push({ kind: key, conditions: parts })
    } else if (key === 'not') {
      conditions.push({ kind: 'not', condition: parseWhere(value, keyPath, resolve, depth + 1) })
    } else {
      conditions.push(...parseTests(resolve(key, keyPath), value, keyPath))
    }
  }
  return conditions.length === 1 ? conditions[0]! : { kind: 'and', conditions }
}

function parseTests(column: QueryColumn, value: unknown, path: string): Condition[] {
  if (!isPlainObject(value)) {
    if (Array.isArray(value) && column.type !== 'json') {
      fail(path, `a list needs an operator: write { in: [...] } to match any of these values`)
    }
    return [test(column, 'eq', value, path)]
  }
  const entries = Object.entries(value)
  if (entries.length === 0) fail(path, 'expected at least one operator, e.g. { eq: value }')
  return entries.map(([operator, operand]) =>
    test(column, operator, operand, `${path}.${operator}`),
  )
}

function test(column: QueryColumn, operator: string, operand: unknown, path: string): Condition {
  const allowed = operatorsByType[column.type]
  if (!(allowed as readonly string[]).includes(operator)) {
    const known = (allOperators as readonly string[]).includes(operator)
    fail(
      path,
      known
        ? `operator "${operator}" does not apply to ${column.type} column "${column.name}"; use one of ${allowed.join(', ')}`
        : `unknown operator "${operator}"${suggestion(operator, allowed, true)}`,
    )
  }
  const op = operator as ComparisonOperator
  const make = (value: TestCondition['operand'], operator = op): TestCondition => ({
    kind: 'test',
    column: column.name,
    type: column.type,
    operator,
    operand: value,
  })
  switch (op) {
    case 'isNull':
      if (typeof operand !== 'boolean')
        fail(path, `expected true or false, got ${describe(operand)}`)
      return make(operand)
    case 'eq':
    case 'ne':
      // An empty cell is matched with isNull; eq: null is its shorthand.
      if (operand === null) return make(op === 'eq', 'isNull')
      return make(readOperand(column, operand, path))
    case 'in':
    case 'nin':
      if (!Array.isArray(operand))
        fail(path, `expected an array of values, got ${describe(operand)}`)
      return make(
        (operand as unknown[]).map((item, index) => readOperand(column, item, `${path}[${index}]`)),
      )
    case 'between': {
      if (!Array.isArray(operand) || operand.length !== 2) {
        fail(path, `expected [low, high] (both inclusive), got ${describe(operand)}`)
      }
      const [low, high] = operand as unknown[]
      return make([readOperand(column, low, `${path}[0]`), readOperand(column, high, `${path}[1]`)])
    }
    case 'contains':
      if (column.type === 'json') return make(readOperand(column, operand, path))
      if (typeof operand !== 'string') fail(path, `expected a string, got ${describe(operand)}`)
      return make(operand)
    case 'startsWith':
    case 'endsWith':
      if (typeof operand !== 'string') fail(path, `expected a string, got ${describe(operand)}`)
      return make(operand)
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return make(readOperand(column, operand, path))
  }
}

/** Reads an operand as a cell of the column's type would be read (S15): "3" is 3 for a number column. */
function readOperand(column: QueryColumn, operand: unknown, path: string): CellValue {
  const value = readCell(column.type, operand instanceof Date ? operand.toISOString() : operand)
  if (value === null) {
    fail(
      path,
      `column "${column.name}" holds ${column.type} values; got ${describe(operand)} (use isNull for empty cells)`,
    )
  }
  return value
}

function parseOrderBy(input: unknown, resolve: Resolve): SortKey[] {
  if (input === undefined) return []
  const list = typeof input === 'string' || isSortTuple(input) ? [input] : input
  if (!Array.isArray(list)) {
    fail(
      'orderBy',
      `expected a column name or a list of [column, 'asc' | 'desc'], got ${describe(input)}`,
    )
  }
  return (list as unknown[]).map((item, index) => {
    const path = `orderBy[${index}]`
    let name: unknown
    let direction: unknown = 'asc'
    let nulls: unknown
    if (typeof item === 'string') name = item
    else if (Array.isArray(item)) [name, direction = 'asc', nulls] = item as unknown[]
    else if (isPlainObject(item)) {
      const extra = Object.keys(item).find((key) => !['column', 'direction', 'nulls'].includes(key))
      if (extra !== undefined)
        fail(
          `${path}.${extra}`,
          `unknown key${suggestion(extra, ['column', 'direction', 'nulls'])}`,
        )
      name = item.column
      direction = item.direction ?? 'asc'
      nulls =
        item.nulls === 'first'
          ? 'nullsFirst'
          : item.nulls === 'last'
            ? 'nullsLast'
            : item.nulls === undefined
              ? undefined
              : describe(item.nulls)
    } else
      fail(
        path,
        `expected a column name, [column, direction] or { column, direction }, got ${describe(item)}`,
      )
    if (typeof name !== 'string') fail(path, `expected a column name, got ${describe(name)}`)
    const column = resolve(name, path)
    if (column.type === 'json')
      fail(
        path,
        `json column "${name}" cannot be sorted; sort on a string, number, boolean or date column`,
      )
    if (direction !== 'asc' && direction !== 'desc') {
      fail(
        `${path}.direction`,
        `expected 'asc' or 'desc', got ${describe(direction)}${suggestion(String(direction), ['asc', 'desc'])}`,
      )
    }
    if (nulls !== undefined && nulls !== 'nullsFirst' && nulls !== 'nullsLast') {
      fail(
        `${path}.nulls`,
        `expected 'nullsFirst' or 'nullsLast' ({ nulls: 'first' | 'last' }), got ${describe(nulls)}`,
      )
    }
    return {
      column: name,
      type: column.type,
      direction,
      nulls: nulls === 'nullsFirst' ? 'first' : 'last',
    }
  })
}

function isSortTuple(input: unknown): boolean {
  return (
    Array.isArray(input) &&
    typeof input[0] === 'string' &&
    (input[1] === 'asc' || input[1] === 'desc')
  )
}

function parseCount(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(path, `expected a whole number of rows (0 or more), got ${describe(value)}`)
  }
  return value
}

function suggestion(word: string, candidates: readonly string[], always = false): string {
  const best = closest(word, candidates, always)
  return best === undefined
    ? `; expected one of ${candidates.join(', ')}`
    : ` (did you mean "${best}"?)`
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date)
    return false
  const prototype = Object.getPrototypeOf(value) as unknown
  return prototype === Object.prototype || prototype === null
}

function fail(path: string, message: string): never {
  throw new TesseraError('INVALID_QUERY', `${path}: ${message}`, { details: { path } })
}

// The query language (docs/queries.md): what a query may say (Query) and its parsed form
// (ParsedQuery). Checking is in parse-query.ts, evaluation in query-match.ts.
import type { CellInput, CellValue, ColumnType } from '../schema.js'

/** The operators a `where` test may use on one column. */
export type ComparisonOperator =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'nin'
  | 'between'
  | 'contains'
  | 'startsWith'
  | 'endsWith'
  | 'isNull'

/** The operators each column type accepts (docs/queries.md, "Operators by type"). */
export const operatorsByType: Readonly<Record<ColumnType, readonly ComparisonOperator[]>> = {
  string: [
    'eq',
    'ne',
    'gt',
    'gte',
    'lt',
    'lte',
    'in',
    'nin',
    'between',
    'contains',
    'startsWith',
    'endsWith',
    'isNull',
  ],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between', 'isNull'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between', 'isNull'],
  boolean: ['eq', 'ne', 'in', 'nin', 'isNull'],
  json: ['eq', 'ne', 'contains', 'isNull'],
}

/** Operators for one column: `{ gt: 3, lte: 9 }` (several operators all have to hold). */
export type Operators = { readonly [operator in ComparisonOperator]?: unknown }

/**
 * A filter: keys are column names (or `id`) mapped to a value (equality) or to operators;
 * `and`, `or` (arrays) and `not` combine filters. Several keys in one object all have to hold.
 */
export interface Where {
  readonly and?: readonly Where[]
  readonly or?: readonly Where[]
  readonly not?: Where
  readonly [column: string]: CellInput | Operators | readonly Where[] | Where | undefined
}

/** One sort key: a column name, `[column, 'asc' | 'desc', 'nullsFirst' | 'nullsLast']`, or an object. */
export type OrderByInput =
  | string
  | readonly [string, ('asc' | 'desc')?, ('nullsFirst' | 'nullsLast')?]
  | {
      readonly column: string
      readonly direction?: 'asc' | 'desc'
      readonly nulls?: 'first' | 'last'
    }

/** A query as callers write it (docs/queries.md). */
export interface Query {
  readonly where?: Where
  /** Sort keys, most significant first; default: the manual row order. */
  readonly orderBy?: OrderByInput | readonly OrderByInput[]
  /** At most this many rows; default: all. */
  readonly limit?: number | undefined
  /** Skip this many matching rows first; default 0. */
  readonly offset?: number | undefined
  /** The columns each result row carries besides `id`; default: all. */
  readonly select?: readonly string[]
}

/** A parsed filter. Operands are already read under the column's type. */
export type Condition =
  | { readonly kind: 'and'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'or'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'not'; readonly condition: Condition }
  | TestCondition

/** One operator applied to one column. */
export interface TestCondition {
  readonly kind: 'test'
  readonly column: string
  readonly type: ColumnType
  readonly operator: ComparisonOperator
  readonly operand: CellValue | readonly CellValue[]
}

/** A parsed sort key. */
export interface SortKey {
  readonly column: string
  readonly type: ColumnType
  readonly direction: 'asc' | 'desc'
  readonly nulls: 'first' | 'last'
}

/** A query checked against a schema: what evaluation and live queries run. */
export interface ParsedQuery {
  readonly where: Condition | undefined
  readonly orderBy: readonly SortKey[]
  readonly limit: number | undefined
  readonly offset: number
  readonly select: readonly string[] | undefined
  /** Every column name the query reads (where, orderBy, select). */
  readonly columns: ReadonlySet<string>
}

/** What parseQuery needs to know of a column. */
export interface QueryColumn {
  readonly name: string
  readonly type: ColumnType
}

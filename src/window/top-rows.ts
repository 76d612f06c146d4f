// The first rows of a query's result in one pass over a table, without sorting it: a bounded
// heap keeps the best `count` rows seen so far. What answers the first window of a query while
// its full index is still being built (sort-index.ts). Knows no doc layout.
import type { RowId } from '../ids.js'
import type { ParsedQuery } from '../query/query.js'
import {
  compareSortKeys,
  matchesCondition,
  sortValuesOf,
  type SortValue,
} from '../query/query-match.js'
import type { Position } from '../row-order.js'
import type { DocRows } from './doc-rows.js'

interface Candidate {
  readonly id: RowId
  readonly values: readonly SortValue[]
  readonly position: Position
}

/**
 * The ids of the first `count` matching rows in the query's order (sort keys, then manual
 * position, then id: the order of a query run from scratch, S20) and the number of matching rows.
 */
export function topRows(
  source: Pick<DocRows, 'forEachRow'>,
  query: ParsedQuery,
  count: number,
): { ids: RowId[]; total: number } {
  const { orderBy, where } = query
  const compare = (a: Candidate, b: Candidate): number =>
    compareSortKeys(orderBy, a.values, b.values) ||
    (a.position < b.position ? -1 : a.position > b.position ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  // A max-heap: the worst kept row is at the root, so most rows are refused with one comparison.
  const heap: Candidate[] = []
  let total = 0
  source.forEachRow(query.columns, (row, position) => {
    if (!matchesCondition(where, row)) return
    total++
    if (count === 0) return
    const candidate = { id: row.id, values: sortValuesOf(orderBy, row), position }
    if (heap.length < count) push(heap, candidate, compare)
    else if (compare(candidate, heap[0]!) < 0) replaceRoot(heap, candidate, compare)
  })
  return { ids: heap.sort(compare).map(({ id }) => id), total }
}

type Compare = (a: Candidate, b: Candidate) => number

function push(heap: Candidate[], candidate: Candidate, compare: Compare): void {
  heap.push(candidate)
  let at = heap.length - 1
  while (at > 0) {
    const parent = (at - 1) >> 1
    if (compare(heap[at]!, heap[parent]!) <= 0) return
    ;[heap[at], heap[parent]] = [heap[parent]!, heap[at]!]
    at = parent
  }
}

function replaceRoot(heap: Candidate[], candidate: Candidate, compare: Compare): void {
  heap[0] = candidate
  let at = 0
  for (;;) {
    const left = at * 2 + 1
    const right = left + 1
    let largest = at
    if (left < heap.length && compare(heap[left]!, heap[largest]!) > 0) largest = left
    if (right < heap.length && compare(heap[right]!, heap[largest]!) > 0) largest = right
    if (largest === at) return
    ;[heap[at], heap[largest]] = [heap[largest]!, heap[at]!]
    at = largest
  }
}

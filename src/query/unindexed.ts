// A query's matching rows as one scan found them, before they are ordered: each row's id,
// position and sort values, unsorted. A live query's first window of few rows is selected from
// them with a bounded heap; sort codes, the id map and the ordered index wait for the first change
// or window that needs the whole order (matching-rows.ts).
import type { RowId } from '../ids.js'
import type { Row, TableChange } from '../row.js'
import type { Position } from '../row-order.js'
import type { CellValue, Column } from '../schema.js'
import type { Condition, ParsedQuery } from './query.js'
import { compareSortKeys, matchesCondition, sortValuesOf, type SortValue } from './query-match.js'
import { sortCode } from './sort-code.js'

/**
 * What a query reads of a table (a Table is one): its columns, its rows in manual order with
 * their positions, and one change event per transaction.
 */
export interface QuerySource {
  columns(): readonly Column[]
  rowIds(): readonly RowId[]
  getRow(id: RowId): Row | undefined
  getPosition(id: RowId): Position | undefined
  on(event: 'change', handler: (change: TableChange) => void): () => void
  /**
   * Calls `visit` with every row, in no particular order, and its values of `columns` (as
   * getRow reads them). Optional: a source that has it opens queries in one pass over only
   * the columns they read, without building the manual order or whole rows.
   */
  scanRows?(
    columns: readonly Column[],
    visit: (
      row: { readonly id: RowId; readonly position: Position },
      values: readonly CellValue[],
    ) => void,
  ): void
}

/** The matching rows of one scan, unordered. */
export interface Unindexed {
  readonly size: number
  /**
   * The ids of the first `end` rows in the query's order, selected once; undefined when the
   * whole order should answer instead (a window beyond the selection, or a large one).
   */
  top(end: number): readonly RowId[] | undefined
  /** Every row's id and sort code, in scan order. */
  codes(): { ids: RowId[]; codes: string[] }
}

/** Scans `source` for the rows matching `query`. */
export function scanUnindexed(source: QuerySource, query: ParsedQuery): Unindexed {
  const ids: RowId[] = []
  const positions: Position[] = []
  const values: SortValue[][] = []
  const add = (id: RowId, position: Position, row: Row): void => {
    if (!matchesCondition(query.where, row)) return
    ids.push(id)
    positions.push(position)
    values.push(sortValuesOf(query.orderBy, row))
  }
  if (source.scanRows === undefined) {
    for (const id of source.rowIds()) {
      const row = source.getRow(id)
      if (row !== undefined) add(id, source.getPosition(id)!, row)
    }
  } else scanColumns(source, query, add)
  // Sort keys, then manual position, then id: the order of a query run from scratch and of sort
  // codes (S20).
  const compare = (a: number, b: number): number =>
    compareSortKeys(query.orderBy, values[a]!, values[b]!) ||
    (positions[a]! < positions[b]! ? -1 : positions[a]! > positions[b]! ? 1 : 0) ||
    (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0)
  let selected: RowId[] | undefined
  return {
    get size() {
      return ids.length
    },
    top(end) {
      if (selected !== undefined) return end <= selected.length ? selected : undefined
      // A selection costs a pass over every row: worth it only for a window of few rows.
      if (end * 8 > ids.length) return undefined
      return (selected = smallest(ids.length, end, compare).map((at) => ids[at]!))
    },
    codes() {
      const codes = ids.map((id, at) => sortCode(query.orderBy, values[at]!, positions[at]!, id))
      return { ids, codes }
    },
  }
}

/** The names of the columns a query reads (its conditions and sort keys). */
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

/** One pass of the source's scan over only the columns `query` reads. */
function scanColumns(
  source: QuerySource,
  query: ParsedQuery,
  add: (id: RowId, position: Position, row: Row) => void,
): void {
  const names = columnNamesOf(query.where, new Set(query.orderBy.map((key) => key.column)))
  const columns = source.columns().filter((column) => names.has(column.name))
  // One row object for the whole scan (the check and the sort values keep nothing of it).
  const row: Record<string, CellValue> = { id: '' }
  for (const column of columns) row[column.name] = null
  source.scanRows!(columns, ({ id, position }, cells) => {
    row.id = id
    for (let index = 0; index < columns.length; index++) row[columns[index]!.name] = cells[index]!
    add(id, position, row as Row)
  })
}

/**
 * The `count` smallest of the items 0 … size - 1 under `compare`, ascending: a bounded max-heap
 * keeps the best seen so far, so most items are refused with one comparison.
 */
export function smallest(
  size: number,
  count: number,
  compare: (a: number, b: number) => number,
): number[] {
  const heap: number[] = []
  if (count <= 0) return heap
  for (let item = 0; item < size; item++) {
    if (heap.length < count) {
      let at = heap.length
      heap.push(item)
      for (let parent = (at - 1) >> 1; at > 0; at = parent, parent = (at - 1) >> 1) {
        if (compare(item, heap[parent]!) <= 0) break
        heap[at] = heap[parent]!
      }
      heap[at] = item
    } else if (compare(item, heap[0]!) < 0) siftDown(heap, item, compare)
  }
  return heap.sort(compare)
}

/** Puts `item` at the heap's root and moves it down to its place. */
function siftDown(heap: number[], item: number, compare: (a: number, b: number) => number): void {
  let at = 0
  for (;;) {
    const left = at * 2 + 1
    if (left >= heap.length) break
    const right = left + 1
    const larger = right < heap.length && compare(heap[right]!, heap[left]!) > 0 ? right : left
    if (compare(heap[larger]!, item) <= 0) break
    heap[at] = heap[larger]!
    at = larger
  }
  heap[at] = item
}

// A query's matching rows as one scan found them, before they are ordered: each row's id,
// position and sort values (in flat arrays), unsorted. A live query's first window is selected
// from them (a bounded heap for few rows, a sort of row numbers for many); sort codes, the id map
// and the ordered index wait for the first change or window past it (matching-rows.ts).
import type { RowId } from '../ids.js'
import type { Row, TableChange } from '../row.js'
import type { Position } from '../row-order.js'
import type { CellValue, Column } from '../schema.js'
import type { ParsedQuery } from './query.js'
import type { SortValue } from './query-match.js'
import { createSortColumns, planScan, type ScanPlan } from './scan-plan.js'
import { sortCode } from './sort-code.js'
import type { ScanVisitor } from './stored-scan.js'

/**
 * What a query reads of a table (a Table is one): its columns, its rows in manual order with
 * their positions, and one change event per transaction.
 */
export interface QuerySource {
  /** The number of rows, when known: a scan makes room for that many at once. */
  readonly size?: number
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
  scanRows?(columns: readonly Column[], visit: ScanVisitor): void
}

/** The matching rows of one scan, unordered. */
export interface Unindexed {
  readonly size: number
  /**
   * The ids of the first `end` rows in the query's order, selected once (all of them for a large
   * window); undefined when the index should answer instead (a window beyond the selection).
   */
  top(end: number): readonly RowId[] | undefined
  /** Every row's id and sort code, in the query's order. */
  sorted(): { ids: RowId[]; codes: string[] }
}

/** Scans `source` for the rows matching `query`. */
export function scanUnindexed(source: QuerySource, query: ParsedQuery): Unindexed {
  const plan = planScan(query, source.columns())
  // Arrays made at their size: pushing 100,000 items one by one costs more than the scan.
  let capacity = Math.max(source.size ?? 0, 16)
  let ids = new Array<RowId>(capacity)
  let positions = new Array<Position>(capacity)
  let size = 0
  const sortValues = createSortColumns(query.orderBy, plan, capacity)
  const add: ScanVisitor = (id, position, values) => {
    if (!plan.matches(id, values)) return
    if (size === capacity) [ids, positions, capacity] = [grown(ids), grown(positions), capacity * 2]
    ids[size] = id
    positions[size++] = position
    sortValues.push(id, values)
  }
  if (source.scanRows === undefined) scanWholeRows(source, plan, add)
  else source.scanRows(plan.columns, add)
  ids.length = positions.length = size
  // Sort keys, then manual position, then id: the order of a query run from scratch and of sort
  // codes (S20).
  const compare = (a: number, b: number): number =>
    sortValues.compare(a, b) ||
    (positions[a]! < positions[b]! ? -1 : positions[a]! > positions[b]! ? 1 : 0) ||
    (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0)
  let selected: RowId[] | undefined
  // Every row number in the query's order (sorted when a window or the index first needs it).
  let order: number[] | undefined
  const ordered = (): number[] => {
    if (order !== undefined) return order
    order = new Array<number>(size)
    for (let at = 0; at < size; at++) order[at] = at
    // Comparing numbers in flat arrays, not sort codes (made later, in this order).
    return order.sort(compare)
  }
  return {
    get size() {
      return ids.length
    },
    top(end) {
      if (selected !== undefined) return end <= selected.length ? selected : undefined
      // A bounded heap for a window of few rows (one comparison refuses most rows); a sort of
      // every row number for a large one, so its rows come before sort codes and the index.
      const rows = end * 8 > size ? ordered() : smallest(size, end, compare)
      return (selected = rows.map((at) => ids[at]!))
    },
    sorted() {
      const order = ordered()
      const values = new Array<SortValue>(query.orderBy.length)
      const codes = new Array<string>(size)
      const sortedIds = new Array<RowId>(size)
      for (let rank = 0; rank < size; rank++) {
        const at = order[rank]!
        sortedIds[rank] = ids[at]!
        codes[rank] = sortCode(
          query.orderBy,
          sortValues.valuesAt(at, values),
          positions[at]!,
          ids[at]!,
        )
      }
      return { ids: sortedIds, codes }
    },
  }
}

/** A copy of `items` with room for twice as many. */
function grown<T>(items: T[]): T[] {
  const next = new Array<T>(items.length * 2)
  for (let at = 0; at < items.length; at++) next[at] = items[at]!
  return next
}

/** The scan of a source without scanRows: whole rows in manual order. */
function scanWholeRows(source: QuerySource, plan: ScanPlan, visit: ScanVisitor): void {
  const values = new Array<CellValue>(plan.columns.length).fill(null)
  for (const id of source.rowIds()) {
    const row = source.getRow(id)
    if (row === undefined) continue
    plan.columns.forEach((column, at) => (values[at] = row[column.name] ?? null))
    visit(id, source.getPosition(id)!, values)
  }
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

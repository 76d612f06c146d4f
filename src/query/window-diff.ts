// The diff a live query emits and its one reading (applyDiff): removals at old indices, then
// insertions at new indices, then updates in place (S25). Pure functions over plain arrays.
import type { TesseraError } from '../errors.js'
import type { RowId } from '../ids.js'
import { canonicalJson } from './query-match.js'
import type { ChangeSource, Row } from '../row.js'
import type { CellValue } from '../schema.js'

/** Where a diff came from: a table change, or the caller moving the window. */
export type DiffSource = ChangeSource | 'window'

/**
 * What changed in a live query's window, in the spirit of Firestore's docChanges. Indices are
 * positions in the window: `removed[].index` and `moved[].oldIndex` in the previous rows,
 * `added[].index`, `moved[].newIndex` and `updated[].index` in the new rows (S25).
 */
export interface LiveQueryDiff {
  readonly added: readonly { readonly row: Row; readonly index: number }[]
  readonly removed: readonly { readonly id: RowId; readonly index: number }[]
  /** Rows still in the window whose visible cells changed, with those columns' names. */
  readonly updated: readonly {
    readonly row: Row
    readonly index: number
    readonly columns: readonly string[]
  }[]
  /** Rows still in the window whose place among the other staying rows changed. */
  readonly moved: readonly {
    readonly id: RowId
    readonly row: Row
    readonly oldIndex: number
    readonly newIndex: number
  }[]
  /** The window after the change. */
  readonly rows: readonly Row[]
  /** The number of matching rows after the change (the whole result, not only the window). */
  readonly total: number
  readonly source: DiffSource
  /** The Yjs transaction origin (undefined for window changes). */
  readonly origin: unknown
  /** Set while the query cannot run on the current schema (S22); rows are then empty. */
  readonly error: TesseraError | undefined
}

/** The parts of a diff that describe the window change. */
export type WindowChanges = Pick<LiveQueryDiff, 'added' | 'removed' | 'updated' | 'moved'>

/**
 * Applies a diff to the rows it was computed from, giving the new rows: drop `removed` and
 * `moved` at their old indices, insert `added` and `moved` at their new indices in increasing
 * order, then replace `updated` rows.
 */
export function applyDiff(previous: readonly Row[], diff: WindowChanges): Row[] {
  const gone = new Set<number>()
  for (const { index } of diff.removed) gone.add(index)
  for (const { oldIndex } of diff.moved) gone.add(oldIndex)
  const rows = previous.filter((_, index) => !gone.has(index))
  const inserts: [number, Row][] = [
    ...diff.added.map(({ index, row }): [number, Row] => [index, row]),
    ...diff.moved.map(({ newIndex, row }): [number, Row] => [newIndex, row]),
  ].sort((a, b) => a[0] - b[0])
  for (const [index, row] of inserts) rows.splice(index, 0, row)
  for (const { index, row } of diff.updated) rows[index] = row
  return rows
}

/**
 * The changes between two windows, found by comparing them whole: O(window size). Used when
 * the window moves or the schema changes; table changes go through the ranked path instead.
 */
export function diffWindows(previous: readonly Row[], next: readonly Row[]): WindowChanges {
  const previousIndex = new Map<RowId, number>()
  previous.forEach((row, index) => previousIndex.set(row.id, index))
  const nextIds = new Set(next.map((row) => row.id))
  const removed = previous
    .map((row, index) => ({ id: row.id, index }))
    .filter(({ id }) => !nextIds.has(id))
  const added: { row: Row; index: number }[] = []
  const common: { row: Row; oldIndex: number; newIndex: number }[] = []
  next.forEach((row, index) => {
    const oldIndex = previousIndex.get(row.id)
    if (oldIndex === undefined) added.push({ row, index })
    else common.push({ row, oldIndex, newIndex: index })
  })
  // The rows that keep their relative order are a longest increasing run of old indices.
  const staying = longestIncreasing(common.map(({ oldIndex }) => oldIndex))
  const moved = common
    .filter((_, position) => !staying.has(position))
    .map(({ row, oldIndex, newIndex }) => ({ id: row.id, row, oldIndex, newIndex }))
    .sort((a, b) => a.newIndex - b.newIndex)
  const updated = common.flatMap(({ row, oldIndex, newIndex }) => {
    const columns = changedColumns(previous[oldIndex]!, row)
    return columns.length === 0 ? [] : [{ row, index: newIndex, columns }]
  })
  return { added, removed, updated, moved }
}

/** The names of the cells that differ between two versions of a row. */
export function changedColumns(before: Row, after: Row): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)])
  names.delete('id')
  return [...names].filter((name) => !sameValue(before[name], after[name]))
}

/** True when two cell values are equal (json values by content, object key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return canonicalJson(a as CellValue) === canonicalJson(b as CellValue)
}

/** Positions (into `values`) of one longest strictly increasing subsequence. O(n log n). */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = []
  const previous = new Array<number>(values.length).fill(-1)
  values.forEach((value, position) => {
    let low = 0
    let high = tails.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (values[tails[middle]!]! < value) low = middle + 1
      else high = middle
    }
    if (low > 0) previous[position] = tails[low - 1]!
    tails[low] = position
  })
  const result = new Set<number>()
  for (let at = tails.at(-1) ?? -1; at !== -1; at = previous[at]!) result.add(at)
  return result
}

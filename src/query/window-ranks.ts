// The window diff of a table change, from the ranks of the touched rows alone: untouched rows keep
// their relative order, so the ones that cross a window edge are found by counting, not scanning.
import type { RowId } from '../ids.js'
import type { Row } from '../row.js'
import type { WindowChanges } from './window-diff.js'

/** One row a change touched: its rank in the ordered result before and after (-1: absent). */
export interface Touch {
  readonly id: RowId
  readonly before: unknown
  oldRank: number
  newRank: number
}

/** What windowChanges needs to know of one table change, as seen by one live query. */
export interface RankedChange {
  readonly touches: readonly Touch[]
  /** The window as ranks: [start, end), end may be Infinity. */
  readonly window: { readonly start: number; readonly end: number }
  readonly previousSize: number
  readonly size: number
  /** The id at a rank of the result after the change. */
  idAt(rank: number): RowId
  rowOf(id: RowId): Row
  /** The visible columns whose cells changed in the row. */
  changedColumns(id: RowId): string[]
}

/**
 * Computes added, removed, moved and updated for one change in O(k log k + k) given the touched
 * rows' ranks (k touched rows), plus one `idAt` per row crossing a window edge (at most 2k).
 */
export function windowChanges(change: RankedChange): WindowChanges {
  const { start, end } = change.window
  const inWindow = (rank: number): boolean => rank >= start && rank < end
  const oldRanks = sortedRanks(change.touches, (touch) => touch.oldRank)
  const newRanks = sortedRanks(change.touches, (touch) => touch.newRank)
  const removed: { id: RowId; index: number }[] = []
  const added: { row: Row; index: number }[] = []
  const staying: Touch[] = []
  for (const touch of change.touches) {
    const wasIn = touch.oldRank >= 0 && inWindow(touch.oldRank)
    const isIn = touch.newRank >= 0 && inWindow(touch.newRank)
    if (wasIn && isIn) staying.push(touch)
    else if (wasIn) removed.push({ id: touch.id, index: touch.oldRank - start })
    else if (isIn) added.push({ row: change.rowOf(touch.id), index: touch.newRank - start })
  }

  // Untouched rows, numbered 0..untouched-1 in their (unchanged) relative order: the window
  // holds a contiguous run of them before and after; the difference of the runs crossed an edge.
  const untouched = change.size - newRanks.length
  const run = (ranks: readonly number[], size: number): [number, number] => {
    const clamp = (value: number): number => Math.min(Math.max(value, 0), untouched)
    const last = Math.min(end, size)
    return [clamp(start - countBelow(ranks, start)), clamp(last - countBelow(ranks, last))]
  }
  const [oldLow, oldHigh] = run(oldRanks, change.previousSize)
  const [newLow, newHigh] = run(newRanks, change.size)
  for (const [low, high] of outside(oldLow, oldHigh, newLow, newHigh)) {
    const newAt = ranksOf(low, high, newRanks)
    for (const oldRank of ranksOf(low, high, oldRanks)) {
      const id = change.idAt(newAt.next().value as number)
      removed.push({ id, index: oldRank - start })
    }
  }
  for (const [low, high] of outside(newLow, newHigh, oldLow, oldHigh)) {
    for (const newRank of ranksOf(low, high, newRanks)) {
      added.push({ row: change.rowOf(change.idAt(newRank)), index: newRank - start })
    }
  }

  // A staying row counts as moved only when its place among the other staying rows changed:
  // its index minus the rows that left (or arrived) before it must differ between old and new.
  const gone = [...removed.map(({ index }) => index), ...staying.map((t) => t.oldRank - start)]
  const come = [...added.map(({ index }) => index), ...staying.map((t) => t.newRank - start)]
  gone.sort(byNumber)
  come.sort(byNumber)
  const moved: { id: RowId; row: Row; oldIndex: number; newIndex: number }[] = []
  const updated: { row: Row; index: number; columns: string[] }[] = []
  staying.sort((a, b) => a.newRank - b.newRank)
  for (const touch of staying) {
    const oldIndex = touch.oldRank - start
    const newIndex = touch.newRank - start
    if (oldIndex - countBelow(gone, oldIndex) === newIndex - countBelow(come, newIndex)) {
      gone.splice(countBelow(gone, oldIndex), 1)
      come.splice(countBelow(come, newIndex), 1)
    } else moved.push({ id: touch.id, row: change.rowOf(touch.id), oldIndex, newIndex })
    const columns = change.changedColumns(touch.id)
    if (columns.length > 0) updated.push({ row: change.rowOf(touch.id), index: newIndex, columns })
  }
  removed.sort((a, b) => a.index - b.index)
  added.sort((a, b) => a.index - b.index)
  return { added, removed, updated, moved }
}

const byNumber = (a: number, b: number): number => a - b

function sortedRanks(touches: readonly Touch[], rank: (touch: Touch) => number): number[] {
  const ranks: number[] = []
  for (const touch of touches) if (rank(touch) >= 0) ranks.push(rank(touch))
  return ranks.sort(byNumber)
}

/** The number of entries of the sorted array `values` below `limit`. */
function countBelow(values: readonly number[], limit: number): number {
  let low = 0
  let high = values.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (values[middle]! < limit) low = middle + 1
    else high = middle
  }
  return low
}

/** The parts of [low, high) outside [otherLow, otherHigh). */
function outside(
  low: number,
  high: number,
  otherLow: number,
  otherHigh: number,
): [number, number][] {
  const parts: [number, number][] = []
  const below: [number, number] = [low, Math.min(high, otherLow)]
  const above: [number, number] = [Math.max(low, otherHigh), high]
  // otherLow <= otherHigh, so the two parts never overlap.
  if (below[0] < below[1]) parts.push(below)
  if (above[0] < above[1]) parts.push(above)
  return parts
}

/** The ranks of untouched rows numbered low..high-1, given the sorted ranks of touched rows. */
function* ranksOf(low: number, high: number, touched: readonly number[]): Generator<number> {
  let rank = low
  let next = 0
  for (let number = low; number < high; number++) {
    while (next < touched.length && touched[next]! <= rank) {
      rank++
      next++
    }
    yield rank
    rank++
  }
}

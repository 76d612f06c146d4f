// Runs of Yjs clocks of one client, as the reclaim of format 3's first values keeps them
// (values-reclaim.ts): a flat list of [from, to) pairs, sorted and merged before it is read.
// Pure arithmetic; knows nothing about Yjs or tables.

/** Clock runs: [from0, to0, from1, to1, …], each `to` excluded. */
export interface ClockRuns {
  readonly pairs: number[]
  /** False when runs were added since the last `normalize`. */
  isNormal: boolean
}

export const createClockRuns = (): ClockRuns => ({ pairs: [], isNormal: true })

/** Adds the run [from, to) (nothing when empty). */
export function addRun(runs: ClockRuns, from: number, to: number): void {
  if (to <= from) return
  const { pairs } = runs
  const last = pairs.length - 1
  // Rows are mostly visited in clock order: a run that continues the last one extends it.
  if (last > 0 && pairs[last] === from && runs.isNormal) {
    pairs[last] = to
    return
  }
  if (last > 0 && pairs[last]! > from) runs.isNormal = false
  pairs.push(from, to)
}

/** Sorts the runs and merges those that touch or overlap. */
export function normalize(runs: ClockRuns): void {
  if (runs.isNormal) return
  const { pairs } = runs
  const order = Array.from({ length: pairs.length / 2 }, (_, index) => index)
  order.sort((a, b) => pairs[2 * a]! - pairs[2 * b]!)
  const merged: number[] = []
  for (const index of order) {
    const from = pairs[2 * index]!
    const to = pairs[2 * index + 1]!
    const last = merged.length - 1
    if (last > 0 && merged[last]! >= from) merged[last] = Math.max(merged[last]!, to)
    else merged.push(from, to)
  }
  pairs.length = 0
  for (const value of merged) pairs.push(value)
  runs.isNormal = true
}

/** The index (even) of the first pair of normalized `runs` that ends after `clock`. */
function firstEndingAfter(pairs: readonly number[], clock: number): number {
  let low = 0
  let high = pairs.length / 2
  while (low < high) {
    const middle = (low + high) >>> 1
    if (pairs[2 * middle + 1]! <= clock) low = middle + 1
    else high = middle
  }
  return 2 * low
}

/** The parts of [from, to) that normalized `runs` do not cover, as [from, to) pairs. */
export function outside(runs: ClockRuns, from: number, to: number): number[] {
  const { pairs } = runs
  const parts: number[] = []
  let at = from
  for (let index = firstEndingAfter(pairs, from); index < pairs.length && at < to; index += 2) {
    const start = pairs[index]!
    if (start >= to) break
    if (start > at) parts.push(at, start)
    at = Math.max(at, pairs[index + 1]!)
  }
  if (at < to) parts.push(at, to)
  return parts
}

/** The parts of [from, to) that normalized `runs` cover, as [from, to) pairs. */
export function inside(runs: ClockRuns, from: number, to: number): number[] {
  const { pairs } = runs
  const parts: number[] = []
  for (let index = firstEndingAfter(pairs, from); index < pairs.length; index += 2) {
    const start = Math.max(from, pairs[index]!)
    if (start >= to) break
    parts.push(start, Math.min(to, pairs[index + 1]!))
  }
  return parts
}

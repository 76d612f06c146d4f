// A merge sort of strings (code-unit order) done in bounded steps, so a server can sort a
// million sort codes between other work instead of stopping for seconds. Pure; knows no timers.

/** A sort in progress: call `step` until it returns true, then read `sorted`. */
export interface SliceSort {
  /** Does about `work` elements' worth of sorting or merging; true once the sort is done. */
  step(work: number): boolean
  /** The sorted strings (only once `step` returned true). */
  sorted(): string[]
}

interface Merge {
  readonly left: string[]
  readonly right: string[]
  readonly out: string[]
  leftAt: number
  rightAt: number
}

/** Sorts `values` (taken over: do not use the array afterwards) in runs of `runLength`. */
export function createSliceSort(values: string[], runLength = 16_384): SliceSort {
  let runs: string[][] = []
  let next: string[][] = []
  let start = 0
  let merge: Merge | undefined

  const sortRuns = (work: number): void => {
    let done = 0
    while (start < values.length && done < work) {
      const run = values.slice(start, start + runLength).sort()
      runs.push(run)
      start += run.length
      done += run.length
    }
  }

  const mergeStep = (work: number): void => {
    let done = 0
    while (done < work) {
      if (merge === undefined) {
        if (runs.length === 0) {
          runs = next
          next = []
          if (runs.length <= 1) return
        }
        if (runs.length === 1) {
          next.push(runs.pop()!)
          continue
        }
        const [left, right] = runs.splice(0, 2) as [string[], string[]]
        merge = { left, right, out: [], leftAt: 0, rightAt: 0 }
      }
      done += mergeSome(merge, work - done)
      if (merge.leftAt === merge.left.length && merge.rightAt === merge.right.length) {
        next.push(merge.out)
        merge = undefined
      }
    }
  }

  const isDone = (): boolean =>
    start >= values.length && merge === undefined && runs.length + next.length <= 1

  return {
    step(work) {
      if (start < values.length) sortRuns(work)
      else mergeStep(work)
      if (!isDone()) return false
      if (runs.length === 0 && next.length === 1) runs = next
      return true
    },
    sorted: () => runs[0] ?? [],
  }
}

/** Moves up to `work` strings into the merge's output; returns how many it moved. */
function mergeSome(merge: Merge, work: number): number {
  const { left, right, out } = merge
  let moved = 0
  while (moved < work) {
    if (merge.leftAt === left.length) {
      if (merge.rightAt === right.length) break
      out.push(right[merge.rightAt++]!)
    } else if (merge.rightAt === right.length || left[merge.leftAt]! <= right[merge.rightAt]!) {
      out.push(left[merge.leftAt++]!)
    } else out.push(right[merge.rightAt++]!)
    moved++
  }
  return moved
}

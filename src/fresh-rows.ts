// Rows that local writes inserted where none was and that the row index (row-state.ts) has not
// taken in yet: a bulk insert only lists them here, a batch as its own arrays, without an object
// per row, and the index takes them in on its next read. Knows nothing about the doc.
import type { RowId } from './ids.js'
import { parseIncarnation } from './incarnation.js'
import type { Position } from './row-order.js'
import type { RowShapes } from './row-shapes.js'
import type { RowState } from './stored-row.js'
import type { ValuesRow } from './values-array.js'

/** A row value a local write stored: format 2's packed array or format 3's object. */
export type WrittenRow = readonly unknown[] | ValuesRow

/** The position a written row value holds. */
export const writtenPosition = (row: WrittenRow): Position =>
  Array.isArray(row) ? (row[2] as Position) : (row as ValuesRow).p

/**
 * The state of row `id` that a local write just stored as `row` (the writer registered its
 * shape before it wrote the row: it is there).
 */
export function writtenState(id: RowId, row: WrittenRow, shapes: RowShapes): RowState {
  if (Array.isArray(row)) {
    const inc = row[1] as string
    return {
      id,
      inc,
      position: row[2] as Position,
      shape: shapes.of(row[0] as number, inc)!,
      first: -1,
    }
  }
  const { s, i, p, b } = row as ValuesRow
  return { id, inc: i, position: p, shape: shapes.of(s, i)!, first: parseIncarnation(i)!.clock - b }
}

/** Inserted rows waiting for the row index, in insert order. */
export interface FreshRows {
  /** How many rows wait. */
  readonly size: number
  /** Lists a row stored as `packed` (a format 2 or 3 row value). */
  push(id: RowId, packed: WrittenRow): void
  /** Lists rows `ids[i]` stored as `packed[i]`; the arrays are kept as they are (never changed). */
  pushAll(ids: readonly RowId[], packed: readonly WrittenRow[]): void
  /** The ids of the rows listed since the `from`-th, in order (not to be changed). */
  idsFrom(from: number): RowId[]
  /**
   * Empties the list, calling `take` with each row's state in insert order; `isCurrent` is true
   * for the rows listed at or after the `current`-th (the running transaction's).
   */
  drain(current: number, take: (state: RowState, isCurrent: boolean) => void): void
}

/** An empty list of fresh rows whose shapes are read from `shapes`. */
export function createFreshRows(shapes: RowShapes): FreshRows {
  // Runs of rows: whole batches as given, and single rows gathered into the last open run.
  let runs: { ids: RowId[]; packed: WrittenRow[] }[] = []
  let open: { ids: RowId[]; packed: WrittenRow[] } | undefined
  let size = 0
  return {
    get size() {
      return size
    },
    push(id, packed) {
      if (open === undefined) runs.push((open = { ids: [], packed: [] }))
      open.ids.push(id)
      open.packed.push(packed)
      size++
    },
    pushAll(ids, packed) {
      // An empty batch (every row already there) adds no run: nothing would ever drain it.
      if (ids.length === 0) return
      runs.push({ ids: ids as RowId[], packed: packed as WrittenRow[] })
      open = undefined
      size += ids.length
    },
    idsFrom(from) {
      // A batch's own array when it is all there is (the index copied it from the caller's).
      const [first] = runs
      if (from === 0 && runs.length === 1 && first !== open) return first!.ids
      const ids: RowId[] = []
      let at = 0
      for (const run of runs) {
        for (const id of run.ids) if (at++ >= from) ids.push(id)
      }
      return ids
    },
    drain(current, take) {
      let at = 0
      for (const run of runs) {
        for (let index = 0; index < run.ids.length; index++, at++)
          take(writtenState(run.ids[index]!, run.packed[index]!, shapes), at >= current)
      }
      runs = []
      open = undefined
      size = 0
    },
  }
}

// Rows that local writes inserted where none was and that the row index (row-state.ts) has not
// taken in yet: a bulk insert only lists them here, in arrays without an object per row, and the
// index takes them in on its next read. Knows nothing about the doc or the transaction.
import type { RowId } from './ids.js'
import type { Position } from './row-order.js'
import type { Shape } from './row-shapes.js'
import type { RowState } from './stored-row.js'

/** Inserted rows waiting for the row index, in insert order. */
export interface FreshRows {
  /** How many rows wait. */
  readonly size: number
  /** Lists a row whose packed value is `packed` ([shape, incarnation, position, ...cells]). */
  push(id: RowId, packed: readonly unknown[], shape: Shape): void
  /** The ids of the rows listed since the `from`-th, in order. */
  idsFrom(from: number): RowId[]
  /**
   * Empties the list, calling `take` with each row's state in insert order; `isCurrent` is true
   * for the rows listed at or after `current` (the running transaction's).
   */
  drain(current: number, take: (state: RowState, isCurrent: boolean) => void): void
}

/** An empty list of fresh rows. */
export function createFreshRows(): FreshRows {
  let ids: RowId[] = []
  let values: (readonly unknown[])[] = []
  // One shape per run of rows (a batch with one layout has one): where each run starts.
  let shapes: Shape[] = []
  let shapeStarts: number[] = []
  let lastShape: Shape | undefined
  return {
    get size() {
      return ids.length
    },
    push(id, packed, shape) {
      if (shape !== lastShape) {
        lastShape = shape
        shapes.push(shape)
        shapeStarts.push(ids.length)
      }
      ids.push(id)
      values.push(packed)
    },
    idsFrom: (from) => ids.slice(from),
    drain(current, take) {
      let run = 0
      for (let index = 0; index < ids.length; index++) {
        while (run + 1 < shapeStarts.length && shapeStarts[run + 1]! <= index) run++
        const packed = values[index]!
        const state: RowState = {
          id: ids[index]!,
          inc: packed[1] as string,
          position: packed[2] as Position,
          shape: shapes[run],
        }
        take(state, index >= current)
      }
      ids = []
      values = []
      shapes = []
      shapeStarts = []
      lastShape = undefined
    },
  }
}

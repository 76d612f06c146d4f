// The row index's parts that its reads and a transaction's local writes share (row-state.ts):
// the states of the live rows, the manual order once built, the states from before the running
// transaction, and the inserted rows it has not taken in yet (fresh-rows.ts).
import {
  createFreshRows,
  writtenPosition,
  writtenState,
  type FreshRows,
  type WrittenRow,
} from './fresh-rows.js'
import type { RowId } from './ids.js'
import type { OrderedIndex } from './ordered-index.js'
import type { Position } from './row-order.js'
import type { RowShapes } from './row-shapes.js'
import type { RowState } from './stored-row.js'

/** The mutable parts of one table's row index. */
export interface RowIndex {
  readonly shapes: RowShapes
  readonly states: Map<RowId, RowState>
  order: OrderedIndex<RowState> | undefined
  /** The greatest position seen so far. */
  maxPosition: Position | null
  /** The state each row had before the current transaction first touched it (undefined: absent). */
  readonly before: Map<RowId, RowState | undefined>
  /** Rows local writes inserted where none was, not taken in yet. */
  readonly pending: FreshRows
  /** The pending rows listed from this one on are the current transaction's. */
  settled: number
  /**
   * The current transaction's inserted rows the index took in: in `states`, but not yet in
   * `before`, which only a later write to a row of theirs needs.
   */
  inserted: RowState[]
}

/** An empty row index. */
export function createRowIndex(shapes: RowShapes): RowIndex {
  return {
    shapes,
    states: new Map(),
    order: undefined,
    maxPosition: null,
    before: new Map(),
    pending: createFreshRows(shapes),
    settled: 0,
    inserted: [],
  }
}

/** Raises the index's greatest position to `position` when it is greater. */
export function notePosition(index: RowIndex, position: Position): void {
  if (index.maxPosition === null || position > index.maxPosition) index.maxPosition = position
}

/** Takes the pending rows into the index (every read of it comes here first). */
export function settle(index: RowIndex): void {
  if (index.pending.size === 0) return
  index.pending.drain(index.settled, (state, isCurrent) => {
    index.states.set(state.id, state)
    index.order?.insert(state)
    if (isCurrent) index.inserted.push(state)
  })
  index.settled = 0
}

/** Records row `id`'s new state (undefined: gone) and, once per transaction, its state before. */
export function putState(index: RowIndex, id: RowId, state: RowState | undefined): void {
  settle(index)
  const { states, before, order } = index
  for (const fresh of index.inserted) before.set(fresh.id, undefined)
  index.inserted = []
  if (!before.has(id)) before.set(id, states.get(id))
  const previous = states.get(id)
  if (previous !== undefined) order?.delete(previous)
  if (state === undefined) {
    states.delete(id)
    return
  }
  states.set(id, state)
  order?.insert(state)
  notePosition(index, state.position)
}

/** Lists a row a local write inserted where none was, stored as `packed`, for the next read. */
export function addLocal(index: RowIndex, id: RowId, packed: WrittenRow): void {
  // A row deleted earlier in the transaction has a state from before: the general path.
  if (index.before.size > 0 && index.before.has(id)) {
    putState(index, id, writtenState(id, packed, index.shapes))
    return
  }
  index.pending.push(id, packed)
  notePosition(index, writtenPosition(packed))
}

/**
 * `addLocal` of rows `ids[i]` stored as `packed[i]`, keeping both arrays (never changed). The
 * rows are in increasing order of position, as a batch places them: the last one is the greatest.
 */
export function addAllLocal(
  index: RowIndex,
  ids: readonly RowId[],
  packed: readonly WrittenRow[],
): void {
  if (index.before.size > 0) {
    ids.forEach((id, at) => {
      addLocal(index, id, packed[at]!)
    })
    return
  }
  index.pending.pushAll(ids, packed)
  const last = packed.at(-1)
  if (last !== undefined) notePosition(index, writtenPosition(last))
}

// Where inserted and moved rows go in the manual order: fractional positions between the
// neighbours, and the repair of positions that concurrent inserts left equal (S5).
import { TesseraError } from './errors.js'
import type { RowId } from './ids.js'
import { positionColumn, type TableMaps } from './layout.js'
import type { RowState, RowStates } from './row-state.js'
import { writeOverride } from './stored-row.js'
import { positionsAfter, positionsBetween, type Position } from './row-order.js'
import type { Placement } from './table-api.js'

/** Placement of rows for one table; a missing anchor row throws ROW_NOT_FOUND. */
export interface RowPlacement {
  /** Positions for `count` rows placed as asked; `moving` is a row being moved (skipped). */
  placeRows(
    count: number,
    placement: Placement | undefined,
    moving: RowId | undefined,
    where: string,
  ): Position[]
  /** Writes a row's new position (an override) and records it. */
  moveTo(state: RowState, position: Position): void
}

/** Row placement over the table's maps and row states. */
export function createRowPlacement(maps: TableMaps, states: RowStates): RowPlacement {
  /** Positions for `count` rows placed as asked, repairing a tie between the neighbours. */
  const placeRows = (
    count: number,
    placement: Placement | undefined,
    moving: RowId | undefined,
    where: string,
  ): Position[] => {
    const anchorId = placement?.before ?? placement?.after
    if (anchorId === undefined) return positionsAfter(states.maxPosition(), count)
    if (placement?.before !== undefined && placement.after !== undefined) {
      throw new TesseraError('INVALID_ARGUMENT', `${where}: give either before or after, not both`)
    }
    const anchor = states.require(
      anchorId,
      `${where} ${placement?.before !== undefined ? 'before' : 'after'}`,
    )
    const order = states.order()
    const skip = (index: number, step: number): RowState | undefined => {
      let state = order.at(index)
      while (state !== undefined && state.id === moving) state = order.at((index += step))
      return state
    }
    const at = order.indexOf(anchor)
    const [left, right] =
      placement?.before !== undefined ? [skip(at - 1, -1), anchor] : [anchor, skip(at + 1, 1)]
    if (left === undefined || right === undefined || left.position !== right.position) {
      return positionsBetween(left?.position ?? null, right?.position ?? null, count)
    }
    // S5: equal positions (concurrent inserts at one place) leave no key between them. Give the
    // new rows and every tied row after them fresh positions up to the next distinct one.
    const tied: RowState[] = []
    for (let index = order.indexOf(right); ; index++) {
      const state = order.at(index)
      if (state === undefined || state.position !== right.position) break
      if (state.id !== moving) tied.push(state)
    }
    const next = order.at(order.indexOf(tied.at(-1)!) + 1)?.position ?? null
    const fresh = positionsBetween(left.position, next, count + tied.length)
    tied.forEach((state, index) => {
      moveTo(state, fresh[count + index]!)
    })
    return fresh.slice(0, count)
  }

  const moveTo = (state: RowState, position: Position): void => {
    states.markOverridden(state)
    writeOverride(maps, state, positionColumn, position)
    states.setLocal(state.id, { ...state, position })
  }

  return { placeRows, moveTo }
}

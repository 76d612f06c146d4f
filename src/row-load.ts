// Opening a table: every stored row read once into the row index (row-state.ts), the hot path of
// createTable on a replica. A run of format 3 rows of one writer and shape (every bulk insert's)
// is checked as stored-row.ts checks each row, with what the run shares checked once.
import { firstValueInRun, looksLikeValuesRow } from './first-values.js'
import type { RowId } from './ids.js'
import { prefixLengthOf } from './incarnation.js'
import { positionKey, type TableMaps } from './layout.js'
import { notePosition, type RowIndex } from './row-index.js'
import type { Position } from './row-order.js'
import type { Shape } from './row-shapes.js'
import { rowStateOf, type RowState } from './stored-row.js'

/**
 * Reads every row stored in `maps.rows` into `index` (rowStateOf's rules: a value that is no
 * row is left out, S19). `isEdited` tells whether a life has overrides (its position may have
 * moved); `anyEdited` false says none has.
 */
export function loadRows(
  maps: TableMaps,
  index: RowIndex,
  isEdited: (id: RowId, value: unknown) => boolean,
  anyEdited: boolean,
): void {
  const { states, shapes } = index
  // The run: the last format 3 row's shape number, its writer's client prefix, and its shape.
  let number = -1
  let prefix = ''
  let shape: Shape | undefined
  let max = index.maxPosition
  maps.rows.forEach((value, key) => {
    const id = key as RowId
    let state: RowState | undefined
    if (
      shape !== undefined &&
      looksLikeValuesRow(value) &&
      !Array.isArray(value) &&
      value.s === number &&
      typeof value.p === 'string' &&
      typeof value.i === 'string' &&
      value.i.startsWith(prefix)
    ) {
      const first = firstValueInRun(value, prefix.length)
      if (first < 0) return
      const moved = anyEdited && isEdited(id, value) ? movedPosition(maps, value.i) : undefined
      state = { id, inc: value.i, position: moved ?? value.p, shape, first }
    } else {
      state = rowStateOf(maps, shapes, id, value, anyEdited && isEdited(id, value))
      if (state === undefined) return
      if (state.first >= 0) {
        // A format 3 row starts a run of its shape and writer.
        number = (value as { s: number }).s
        prefix = (state.inc as string).slice(0, prefixLengthOf(state.inc as string))
        shape = state.shape
      }
    }
    states.set(id, state)
    if (max === null || state.position > max) max = state.position
  })
  if (max !== null) notePosition(index, max)
}

/** The position override of a format 3 life, when it has one (a plain string). */
function movedPosition(maps: TableMaps, inc: string): Position | undefined {
  const moved = maps.overrides.get(positionKey(inc))
  return typeof moved === 'string' ? moved : undefined
}

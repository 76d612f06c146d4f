// One pass over a table's stored rows for a query: walks the rows map as Yjs holds it and reads
// only the wanted cells. A packed row (data format 2) that was never edited is read straight from
// its value, a format 3 one from its first values in `v`; any other row (format 1, or a life
// with overrides) goes through stored-row.ts.
import type * as Y from 'yjs'
import type { RowId } from '../ids.js'
import { firstCell, type TableMaps } from '../layout.js'
import type { Position } from '../row-order.js'
import {
  createFirstValueReader,
  firstValueInRun,
  firstValueOf,
  looksLikeValuesRow,
} from '../first-values.js'
import { parseIncarnation, prefixLengthOf } from '../incarnation.js'
import type { RowStates } from '../row-state.js'
import { readCell, type CellValue, type Column } from '../schema.js'
import { insertedCell, overrideOf, packedShapeOf, type RowState } from '../stored-row.js'
import type { ValuesRow } from '../values-array.js'

/** Called with each live row: its id, manual-order position and the wanted cells (reused array). */
export type ScanVisitor = (id: RowId, position: Position, values: readonly CellValue[]) => void

/** The last Yjs item of each key of a map, deleted or not (what `Y.Map#forEach` walks). */
const itemsOf = (map: Y.Map<unknown>): ReadonlyMap<string, Y.Item> =>
  (map as unknown as { _map: ReadonlyMap<string, Y.Item> })._map

/** The value of a live map item, read as `Y.Map#get` reads it (any content: data is hostile). */
const valueOf = (item: Y.Item): unknown => item.content.getContent()[item.length - 1]

/**
 * Calls `visit` with every live row of the doc as it is now, in no particular order, and its
 * values of `wanted`, each as getRow reads it (S14, S15): the row's override in its current life,
 * else its inserted value, else the column default, read under the column type.
 */
export function scanStoredRows(
  maps: TableMaps,
  states: RowStates,
  wanted: readonly Column[],
  visit: ScanVisitor,
): void {
  const values = new Array<CellValue>(wanted.length).fill(null)
  const read = createPackedReader(maps, states, wanted, values)
  itemsOf(maps.rows).forEach((item, key) => {
    if (item.deleted) return
    const value = valueOf(item)
    const id = key as RowId
    const position = read(value)
    if (position !== undefined) {
      visit(id, position, values)
      return
    }
    const state = states.stateOf(id, value)
    if (state === undefined) return
    const hasOverrides = states.hasOverrides(state)
    wanted.forEach((column, at) => {
      const cell =
        (hasOverrides ? overrideOf(maps, state, column.id) : undefined) ??
        insertedCell(maps, state, value, column.id)
      values[at] = readCell(column.type, cell === undefined ? column.default : cell.value)
    })
    visit(id, state.position, values)
  })
}

/**
 * A reader of packed rows (format 2 or 3) that were never edited: puts the wanted cells of
 * `value` into `values` and returns its position, or returns undefined for any other value (for
 * the general read). Rows of one insert share a shape, so the shape is checked once for a run of
 * them; a format 3 row's first values are read through one reader that remembers the Yjs item
 * it found last (rows of one insert share those too).
 */
function createPackedReader(
  maps: TableMaps,
  states: RowStates,
  wanted: readonly Column[],
  values: CellValue[],
): (value: unknown) => Position | undefined {
  const types = wanted.map((column) => column.type)
  const defaults = wanted.map((column) => readCell(column.type, column.default))
  const readFirst = createFirstValueReader(maps.values)
  // The last shape seen: its number, its writer's prefix, its row length (-1: format 3) and the
  // wanted slots.
  let number = -1
  let prefix = ''
  let length = -2
  let slots = new Int32Array(wanted.length)
  // A format 3 run's writer (its prefix names it).
  let client = -1
  let width = 0
  // A stand-in state for asking whether a life was edited, so no object is made per row.
  const probe = { id: '', inc: '', position: '', shape: undefined, first: -1 } as {
    -readonly [key in keyof RowState]: RowState[key]
  }
  const isSameShape = (shape: unknown, inc: unknown, position: unknown, size: number): boolean =>
    shape === number &&
    size === length &&
    typeof inc === 'string' &&
    inc.length > prefix.length &&
    inc.startsWith(prefix) &&
    typeof position === 'string'
  const learn = (value: unknown, inc: string, shapeNumber: number, size: number): boolean => {
    // What stored-row.ts reads as a packed row (S19); its shape becomes the one to match.
    const shape = packedShapeOf(value, states.shapes)
    if (shape === undefined) return false
    number = shapeNumber
    length = size
    prefix = inc.slice(0, prefixLengthOf(inc))
    client = size < 0 ? parseIncarnation(inc)!.client : -1
    width = shape.ids.length
    slots = Int32Array.from(wanted, (column) => shape.slots.get(column.id) ?? -1)
    probe.shape = shape
    return true
  }
  const put = (at: number, cell: unknown): void => {
    const type = types[at]!
    // The common case without readCell: a stored value already of the column's type.
    const isRead = type === 'number' ? Number.isFinite(cell) : typeof cell === type
    values[at] = isRead
      ? (cell as CellValue)
      : cell === undefined
        ? defaults[at]!
        : readCell(type, cell)
  }
  const readValuesRow = (value: ValuesRow): Position | undefined => {
    // A run of one shape and writer still checks each row's own form (it names its values).
    let first: number
    if (isSameShape(value.s, value.i, value.p, -1)) first = firstValueInRun(value, prefix.length)
    else {
      first = firstValueOf(value)
      if (first < 0 || !learn(value, value.i, value.s, -1)) return undefined
    }
    if (first < 0) return undefined
    probe.inc = value.i
    if (states.hasOverrides(probe)) return undefined
    // A row's values are in one item (its chunk's) unless some were deleted since.
    const cells = readFirst.span(client, first, width)
    const offset = readFirst.offset
    for (let at = 0; at < types.length; at++) {
      const slot = slots[at]!
      const cell =
        slot < 0
          ? undefined
          : cells !== undefined
            ? cells[offset + slot]
            : readFirst.at(client, first + slot)
      put(at, cell)
    }
    return value.p
  }
  return (value) => {
    if (!Array.isArray(value)) return looksLikeValuesRow(value) ? readValuesRow(value) : undefined
    if (!isSameShape(value[0], value[1], value[2], value.length)) {
      if (!learn(value, value[1] as string, value[0] as number, value.length)) return undefined
    }
    probe.inc = value[1] as string
    if (states.hasOverrides(probe)) return undefined
    for (let at = 0; at < types.length; at++) {
      const slot = slots[at]!
      put(at, slot < 0 ? undefined : value[firstCell + slot])
    }
    return value[2] as Position
  }
}

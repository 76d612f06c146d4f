// How new rows and cell writes reach the doc, shared by the single-row writes (row-writes.ts)
// and the batch insert (row-batch.ts): a new row is a data format 3 row value naming its first
// values in `v`, a cell write an override of the row's life (docs/architecture.md, "Layout").
import * as Y from 'yjs'
import type { Columns } from './columns.js'
import type { RowId } from './ids.js'
import { incarnationsOf } from './incarnation.js'
import { formatVersion, type TableMaps } from './layout.js'
import type { CellLayout, PreparedCells } from './row-cells.js'
import type { RowPlacement } from './row-placement.js'
import type { RowState, RowStates } from './row-state.js'
import type { Position } from './row-order.js'
import type { CellValue } from './schema.js'
import { writeOverride } from './stored-row.js'
import type { WriteKind } from './table-api.js'
import { valuesRow } from './values-array.js'
import type { WrittenRow } from './fresh-rows.js'

/** The parts of a table its row writes use. */
export interface RowWriteContext {
  readonly maps: TableMaps
  readonly columns: Columns
  readonly states: RowStates
  readonly placement: RowPlacement
  /** Runs the write guard. @throws FORBIDDEN */
  check(kind: WriteKind, where: string): void
  /** Runs `run` in one transaction with the table's origin. */
  edit<T>(run: () => T): T
}

/** Writes `prepared`'s cells of a live row as overrides of its life. */
export function writeCells(
  context: RowWriteContext,
  state: RowState,
  prepared: PreparedCells,
): void {
  writeCellsAt(context, state, prepared.layout, prepared.values, 0)
}

/** Writes the cells of `layout` found in `values` from `offset` on as overrides of a live row. */
export function writeCellsAt(
  context: RowWriteContext,
  state: RowState,
  layout: CellLayout,
  values: readonly CellValue[],
  offset: number,
): void {
  const { ids } = layout
  context.states.markOverridden(state)
  for (let index = 0; index < ids.length; index++)
    writeOverride(context.maps, state, ids[index]!, values[offset + index])
}

/** Writes new rows of data format 3 in the current transaction (values-array.ts). */
export interface RowPacker {
  /**
   * The number of `layout`'s shape, registered in the doc when new. Call it for every layout of
   * a chunk before `values`: the server takes a row's first values for its own only when the
   * chunk's values are followed by its rows, with no other write between (S286).
   */
  shapeOf(layout: CellLayout): number
  /**
   * Appends the first values of a chunk of new rows (at most `chunkRows` of them, row after row)
   * to `v` in one insert; returns the clock of the first one (of this replica's client).
   */
  values(cells: readonly CellValue[]): number
  /**
   * Writes row `id` of `layout`, whose first value this replica appended at clock `first`, at
   * `position`: its shape, its incarnation (the id Yjs gives the value's item) and the distance
   * from that id back to its first value. A row without cells names no value: it is written as
   * a format 2 row without cells. Unless `isRecordedLater`, the row index learns it at once.
   * `left` is the last item of key `id` in `rows` when the caller looked it up already (null:
   * none). Returns the row value.
   */
  row(
    id: RowId,
    layout: CellLayout,
    first: number,
    position: Position,
    isRecordedLater?: boolean,
    left?: Y.Item | null,
  ): WrittenRow
}

/** The rows of a batch whose first values go to `v` in one insert. */
export const chunkRows = 100

/**
 * The writer of new rows for one transaction. The first new row of a table of an older format
 * raises its format version.
 */
export function createPacker(context: RowWriteContext): RowPacker {
  const { maps, states } = context
  const doc = maps.rows.doc!
  const client = doc.clientID
  const incarnationAt = incarnationsOf(client)
  const version = maps.meta.get('formatVersion')
  if (typeof version !== 'number' || version < formatVersion)
    maps.meta.set('formatVersion', formatVersion)
  // Rows of a batch mostly share one layout: the last one is kept apart from the others.
  let last: CellLayout | undefined
  let shape = -1
  const others = new Map<CellLayout, number>()
  const shapeOf = (layout: CellLayout): number => {
    if (layout === last) return shape
    if (last !== undefined) others.set(last, shape)
    last = layout
    shape = others.get(layout) ?? states.shapes.numberFor(client, layout.ids)
    return shape
  }
  return {
    shapeOf,
    values(cells) {
      const first = Y.getState(doc.store, client)
      if (cells.length > 0) appendValues(doc._transaction!, maps.values, cells)
      return first
    },
    row(id, layout, first, position, isRecordedLater = false, left) {
      const number = shapeOf(layout)
      // The next clock of this client is the one Yjs gives the item that stores the row.
      const clock = Y.getState(doc.store, client)
      const inc = incarnationAt(clock)
      const row: WrittenRow =
        layout.ids.length === 0
          ? [number, inc, position]
          : valuesRow(number, inc, position, clock - first)
      setRowValue(doc._transaction!, maps.rows, id, row, clock, left)
      if (!isRecordedLater) states.addLocal(id, row)
      return row
    },
  }
}

/**
 * Sets key `id` of `rows` to `row` as `Y.Map#set` does inside a transaction (the item at the
 * next clock of this replica, `clock`, right of the key's last item `left`, looked up when
 * undefined), without its per-call wrapper and its look-up of the key and of the clock, which
 * the batch insert has at hand (docs/benchmarks.md, item 4's bulk insert).
 */
function setRowValue(
  transaction: Y.Transaction,
  rows: Y.Map<unknown>,
  id: RowId,
  row: WrittenRow,
  clock: number,
  left: Y.Item | null | undefined,
): void {
  const last = left === undefined ? (itemsOf(rows).get(id) ?? null) : left
  integrateAfter(transaction, rows, id, last, clock, [row])
}

/**
 * Integrates a new item of this replica at `clock` holding `values` (a ContentAny made on them,
 * not a copy) right of `left` in `parent` (under key `key` of a map; null in an array), as
 * Yjs's own set and insert make one.
 */
function integrateAfter(
  transaction: Y.Transaction,
  parent: Y.Map<unknown> | Y.Array<unknown>,
  key: string | null,
  left: Y.Item | null,
  clock: number,
  values: unknown[],
): Y.Item {
  // Yjs's types do not say that ContentAny is an AbstractContent (its code does).
  const content: unknown = new Y.ContentAny(values)
  const item = new Y.Item(
    Y.createID(transaction.doc.clientID, clock),
    left,
    left === null ? null : left.lastId,
    null,
    null,
    parent,
    key,
    content as ConstructorParameters<typeof Y.Item>[7],
  )
  item.integrate(transaction, 0)
  return item
}

/** The last Yjs item of each key of a map, deleted or not (Yjs keeps them in `_map`). */
export const itemsOf = (map: Y.Map<unknown>): ReadonlyMap<string, Y.Item> =>
  (map as unknown as { _map: ReadonlyMap<string, Y.Item> })._map

/** The last item each values array was given by this module (checked before it is used). */
const ends = new WeakMap<Y.Array<unknown>, Y.Item>()

/**
 * Appends `cells` to `values` as one Yjs item whose content is `cells` itself (made for it,
 * never changed after), as `Y.Array#insert` at the end would with a copy of them: every cell
 * is a JSON value of a column (row-cells.ts), none undefined. Appending moves no index, so
 * the array's search markers stay right.
 */
function appendValues(
  transaction: Y.Transaction,
  values: Y.Array<unknown>,
  cells: readonly CellValue[],
): void {
  const { store } = transaction.doc
  // The last item appended here, when the store still holds it (not merged into another).
  let left: Y.Item | null | undefined = ends.get(values)
  if (left !== undefined) {
    const structs = store.clients.get(left.id.client)
    if (structs?.[Y.findIndexSS(structs, left.id.clock)] !== left) left = undefined
  }
  left ??= values._start
  while (left !== null && left.right !== null) left = left.right
  const clock = Y.getState(store, transaction.doc.clientID)
  ends.set(values, integrateAfter(transaction, values, null, left, clock, cells as CellValue[]))
}

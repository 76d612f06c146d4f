// The table's row write methods: each checks its input and the write guard before it touches
// the doc, then writes in one transaction. A row is inserted as one packed value; later cell
// writes and moves are overrides of the row's life (docs/architecture.md, "Layout").
import * as Y from 'yjs'
import type { Columns } from './columns.js'
import { TesseraError } from './errors.js'
import { createRowId, type RowId } from './ids.js'
import { clientPrefix, incarnationOf } from './incarnation.js'
import { checkRowId, firstCell, formatVersion, isValidId, type TableMaps } from './layout.js'
import { preparedLike, prepareCells, type CellLayout, type PreparedCells } from './row-cells.js'
import type { RowInput } from './row.js'
import type { RowPlacement } from './row-placement.js'
import type { RowState, RowStates } from './row-state.js'
import type { Position } from './row-order.js'
import { describe, normalizeCell, type CellValue } from './schema.js'
import { deleteOverrides, writeOverride } from './stored-row.js'
import type { InsertOptions, Placement, Table, WriteKind } from './table-api.js'

/** The table's row write methods. */
export type RowWrites = Pick<
  Table,
  | 'insertRow'
  | 'insertRows'
  | 'setRow'
  | 'updateRow'
  | 'deleteRow'
  | 'deleteRows'
  | 'moveRow'
  | 'setCell'
>

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

/** The row write methods over the parts of one table. */
export function createRowWrites(context: RowWriteContext): RowWrites {
  return {
    insertRow: (cells, options) => insertRow(context, cells, options),
    insertRows: (rows, placement) => insertRows(context, rows, placement),
    setRow(id, cells) {
      insertRow(context, cells, { id })
    },
    updateRow(id, cells) {
      const state = context.states.require(id, 'updateRow')
      const prepared = prepareCells(context.columns, cells, 'updateRow')
      context.check('update', 'updateRow')
      context.edit(() => {
        writeCells(context, state, prepared)
      })
    },
    deleteRow(id) {
      const state = context.states.get(id as RowId)
      if (state === undefined) return false
      context.check('delete', 'deleteRow')
      context.edit(() => {
        removeRow(context, state)
      })
      return true
    },
    deleteRows: (ids) => deleteRows(context, ids),
    moveRow: (id, placement) => {
      moveRow(context, id, placement)
    },
    setCell(id, name, value) {
      const state = context.states.require(id, 'setCell')
      const column = context.columns.require(name, 'setCell')
      const stored = normalizeCell(column, value, `setCell ${name}`)
      context.check('update', 'setCell')
      context.edit(() => {
        context.states.markOverridden(state)
        writeOverride(context.maps, state, column.id, stored)
      })
    },
  }
}

function insertRow(context: RowWriteContext, cells: RowInput = {}, options: InsertOptions = {}) {
  const { states, placement } = context
  const unknownKey = Object.keys(options).find((key) => !['id', 'before', 'after'].includes(key))
  if (unknownKey !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `insertRow: unknown option "${unknownKey}"; expected id, before or after`,
    )
  }
  const given = options.id ?? (cells as { id?: unknown }).id
  const id = given === undefined ? createRowId() : checkRowId(given, 'insertRow')
  const prepared = prepareCells(context.columns, cells, 'insertRow')
  context.check(states.get(id) === undefined ? 'insert' : 'update', 'insertRow')
  return context.edit(() => {
    const existing = states.get(id)
    const isPlaced = options.before !== undefined || options.after !== undefined
    if (existing === undefined) {
      const [position] = placement.placeRows(1, options, undefined, 'insertRow')
      createPacker(context)(id, prepared.layout, prepared.values, position!)
    } else {
      writeCells(context, existing, prepared)
      if (isPlaced) placement.moveTo(existing, placement.placeRows(1, options, id, 'insertRow')[0]!)
    }
    return id
  })
}

function insertRows(
  context: RowWriteContext,
  rows: readonly RowInput[],
  placement: Placement | undefined,
): RowId[] {
  const { states } = context
  if (!Array.isArray(rows)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `insertRows: expected an array of rows, got ${describe(rows)}`,
    )
  }
  const ids = new Array<RowId>(rows.length)
  // Each row's cells as a packed row's slots, and their layout (rows of a batch share one).
  const values = new Array<CellValue[]>(rows.length)
  const layouts = new Array<CellLayout>(rows.length)
  let layout: CellLayout | undefined
  let fresh = 0
  let hasHoles = false
  // One function names the row being prepared in errors: its text is made only for an error.
  let index = 0
  const where = (): string => `insertRows[${index}]`
  for (; index < rows.length; index++) {
    if (!(index in rows)) {
      hasHoles = true // a hole: skipped, as forEach does
      continue
    }
    const row = rows[index] as RowInput
    const given = (row as { id?: unknown } | null)?.id
    const id =
      given === undefined
        ? createRowId()
        : isValidId(given)
          ? (given as RowId)
          : checkRowId(given, where())
    let cells = preparedLike(layout, row)
    if (cells === undefined) {
      const prepared = prepareCells(context.columns, row, where, layout)
      layout = prepared.layout
      cells = prepared.values as CellValue[]
    }
    ids[index] = id
    values[index] = cells
    layouts[index] = layout!
    if (states.get(id) === undefined) fresh++
  }
  if (fresh > 0) context.check('insert', 'insertRows')
  if (fresh < rows.length) context.check('update', 'insertRows')
  return context.edit(() => {
    const positions =
      fresh === 0 ? [] : context.placement.placeRows(fresh, placement, undefined, 'insertRows')
    const pack = createPacker(context)
    const items = itemsOf(context.maps.rows)
    // A batch without holes hands its rows to the index in one go, as its own arrays, unless
    // an id in it is already a row (then rows are handed over one by one from there on).
    let isWhole = !hasHoles
    let next = 0
    ids.forEach((id, index) => {
      // An id given twice is inserted once, then updated (upsert, S4). A key with no live item
      // in the doc has no row (the index is asked only for the others: it may not have taken
      // in this batch's rows yet).
      const item = items.get(id)
      const isLive = item !== undefined && !item.deleted
      if (isLive && isWhole) {
        isWhole = false
        states.addAllLocal(ids.slice(0, index), values.slice(0, index))
      }
      const existing = isLive ? states.get(id) : undefined
      if (existing !== undefined)
        writeCells(context, existing, { layout: layouts[index]!, values: values[index]! })
      else pack(id, layouts[index]!, values[index]!, positions[next++]!, isWhole)
    })
    // The caller gets `ids`, which it may change: the index keeps a copy.
    if (isWhole) states.addAllLocal(ids.slice(), values)
    return ids
  })
}

/** The last Yjs item of each key of a map, deleted or not (Yjs keeps them in `_map`). */
const itemsOf = (map: Y.Map<unknown>): ReadonlyMap<string, Y.Item> =>
  (map as unknown as { _map: ReadonlyMap<string, Y.Item> })._map

function deleteRows(context: RowWriteContext, ids: Iterable<string>): number {
  let count = 0
  context.check('delete', 'deleteRows')
  context.edit(() => {
    for (const id of ids) {
      const state = context.states.get(id as RowId)
      if (state === undefined) continue
      removeRow(context, state)
      count++
    }
  })
  return count
}

function moveRow(context: RowWriteContext, id: string, placement: Placement): void {
  const state = context.states.require(id, 'moveRow')
  if (placement?.before === undefined && placement?.after === undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'moveRow: give { before: rowId } or { after: rowId }',
    )
  }
  if (placement.before === id || placement.after === id) return
  context.check('update', 'moveRow')
  context.edit(() => {
    const [position] = context.placement.placeRows(1, placement, state.id, 'moveRow')
    context.placement.moveTo(state, position!)
  })
}

function writeCells(context: RowWriteContext, state: RowState, prepared: PreparedCells): void {
  const { ids } = prepared.layout
  context.states.markOverridden(state)
  for (let index = 0; index < ids.length; index++)
    writeOverride(context.maps, state, ids[index]!, prepared.values[firstCell + index])
}

/**
 * Writes new rows in the current transaction, each as one packed value: its layout's shape
 * (registered once per layout), its incarnation (the id Yjs gives the value's item), its
 * position and its cells. The first packed row of a format 1 table raises its format version.
 */
function createPacker(
  context: RowWriteContext,
): (
  id: RowId,
  cells: CellLayout,
  values: readonly CellValue[],
  position: Position,
  isRecordedLater?: boolean,
) => void {
  const { maps, states } = context
  const doc = maps.rows.doc!
  const client = doc.clientID
  const prefix = clientPrefix(client)
  if (maps.meta.get('formatVersion') !== formatVersion)
    maps.meta.set('formatVersion', formatVersion)
  let layout: CellLayout | undefined
  let shape = -1
  return (id, cells, values, position, isRecordedLater = false) => {
    if (cells !== layout || shape < 0) {
      layout = cells
      shape = states.shapes.numberFor(client, layout.ids)
    }
    // The next clock of this client is the one Yjs gives the item that stores the row.
    const inc = incarnationOf(client, Y.getState(doc.store, client), prefix)
    // The prepared values leave the first slots free: they become the packed row.
    const packed = values as unknown[]
    packed[0] = shape
    packed[1] = inc
    packed[2] = position
    maps.rows.set(id, packed)
    if (!isRecordedLater) states.addLocal(id, packed)
  }
}

function removeRow(context: RowWriteContext, state: RowState): void {
  context.maps.rows.delete(state.id)
  if (context.states.hasOverrides(state))
    deleteOverrides(context.maps, state, context.columns.allIds())
  context.states.setLocal(state.id, undefined)
}

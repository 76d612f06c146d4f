// A batch insert (`insertRows`): every row checked and laid out before the doc is touched, then
// written in one transaction, new rows as packed values handed to the row index in one go (it
// takes them in on its next read), ids already there as updates (upsert, S4).
import type * as Y from 'yjs'
import { TesseraError } from './errors.js'
import { createRowId, type RowId } from './ids.js'
import { checkRowId, isValidId } from './layout.js'
import { preparedLike, prepareCells, type CellLayout } from './row-cells.js'
import { createPacker, writeCells, type RowWriteContext } from './row-packer.js'
import type { RowInput } from './row.js'
import { describe, type CellValue } from './schema.js'
import type { Placement } from './table-api.js'

/**
 * Inserts `rows` (each row's `id` names it; a new id is made when it has none) in one
 * transaction; a row whose id is already a row updates its cells.
 * @throws INVALID_ARGUMENT; COLUMN_NOT_FOUND; SCHEMA_VIOLATION; FORBIDDEN; ROW_NOT_FOUND (anchor)
 */
export function insertRows(
  context: RowWriteContext,
  rows: readonly RowInput[],
  placement: Placement | undefined,
): RowId[] {
  if (!Array.isArray(rows)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `insertRows: expected an array of rows, got ${describe(rows)}`,
    )
  }
  const batch = prepareBatch(context, rows)
  if (batch.fresh > 0) context.check('insert', 'insertRows')
  if (batch.fresh < rows.length) context.check('update', 'insertRows')
  return context.edit(() => writeBatch(context, batch, placement))
}

/** A batch's rows checked and laid out (`ids[i]` undefined: a hole, skipped as forEach does). */
interface PreparedBatch {
  readonly ids: RowId[]
  /** Each row's cells as a packed row's slots. */
  readonly values: CellValue[][]
  /** The layout of every row, unless rows differ: then `layouts[i]` is row i's. */
  readonly layout: CellLayout | undefined
  readonly layouts: CellLayout[] | undefined
  /** How many rows are not rows of the table yet (an id given twice counts twice). */
  readonly fresh: number
  readonly hasHoles: boolean
}

function prepareBatch(context: RowWriteContext, rows: readonly RowInput[]): PreparedBatch {
  const { states } = context
  const ids = new Array<RowId>(rows.length)
  const values = new Array<CellValue[]>(rows.length)
  let layouts: CellLayout[] | undefined
  let layout: CellLayout | undefined
  // A table with no row has none of the ids (the first bulk insert asks it nothing).
  const isEmpty = states.size === 0
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
      // Rows of a batch mostly share one layout: a list of them is made only when one differs.
      if (prepared.layout !== layout && layout !== undefined)
        layouts ??= new Array<CellLayout>(rows.length).fill(layout, 0, index)
      layout = prepared.layout
      cells = prepared.values as CellValue[]
    }
    ids[index] = id
    values[index] = cells
    if (layouts !== undefined) layouts[index] = layout!
    if (isEmpty || states.get(id) === undefined) fresh++
  }
  return { ids, values, layout, layouts, fresh, hasHoles }
}

function writeBatch(
  context: RowWriteContext,
  batch: PreparedBatch,
  placement: Placement | undefined,
): RowId[] {
  const { states } = context
  const { ids, values, layout, layouts } = batch
  const positions =
    batch.fresh === 0
      ? []
      : context.placement.placeRows(batch.fresh, placement, undefined, 'insertRows')
  const pack = createPacker(context)
  const items = itemsOf(context.maps.rows)
  // A batch without holes hands its rows to the index in one go, as its own arrays, unless
  // an id in it is already a row (then rows are handed over one by one from there on).
  let isWhole = !batch.hasHoles
  let next = 0
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index]
    if (id === undefined) continue
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
    const rowLayout = layouts === undefined ? layout! : layouts[index]!
    if (existing !== undefined)
      writeCells(context, existing, { layout: rowLayout, values: values[index]! })
    else pack(id, rowLayout, values[index]!, positions[next++]!, isWhole)
  }
  // The caller gets `ids`, which it may change: the index keeps a copy.
  if (isWhole) states.addAllLocal(ids.slice(), values)
  return ids
}

/** The last Yjs item of each key of a map, deleted or not (Yjs keeps them in `_map`). */
const itemsOf = (map: Y.Map<unknown>): ReadonlyMap<string, Y.Item> =>
  (map as unknown as { _map: ReadonlyMap<string, Y.Item> })._map

// A batch insert (`insertRows`): every row checked and laid out before the doc is touched (the
// cells of new rows copied straight into the chunk arrays that go to `v`), then written in one
// transaction, per chunk of at most 100 rows one insert of their first values then their row
// values (data format 3), handed to the row index in one go (it takes them in on its next read),
// ids already there as updates (upsert, S4).
import { TesseraError } from './errors.js'
import { createRowId, type RowId } from './ids.js'
import { checkRowId, isValidId } from './layout.js'
import type { WrittenRow } from './fresh-rows.js'
import { copyLike, prepareCells, type CellLayout } from './row-cells.js'
import {
  chunkRows,
  createPacker,
  itemsOf,
  writeCells,
  writeCellsAt,
  type RowWriteContext,
} from './row-packer.js'
import type { RowInput } from './row.js'
import { describe, type CellValue } from './schema.js'
import type { Placement } from './table-api.js'
import { deleteValues } from './values-array.js'

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
  /** The cells of the rows to insert, row after row, in chunks of `chunkRows` rows. */
  readonly chunks: CellValue[][]
  /** Where row i's cells start in its chunk; -1 for a row that was a row already (an update). */
  readonly starts: Int32Array
  /** The cells of the rows that were rows already, by index. */
  readonly updates: Map<number, CellValue[]>
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
  const starts = new Int32Array(rows.length)
  const chunks: CellValue[][] = []
  const updates = new Map<number, CellValue[]>()
  let layouts: CellLayout[] | undefined
  let layout: CellLayout | undefined
  // A table with no row has none of the ids (the first bulk insert asks it nothing).
  const isEmpty = states.size === 0
  let fresh = 0
  let hasHoles = false
  // The chunk being filled: its cells, how many it holds and how many rows.
  let chunk: CellValue[] = []
  let used = 0
  let chunkSize = chunkRows
  // One function names the row being prepared in errors: its text is made only for an error.
  let index = 0
  const where = (): string => `insertRows[${index}]`
  const prepare = (row: RowInput): CellValue[] => {
    const prepared = prepareCells(context.columns, row, where, layout)
    // Rows of a batch mostly share one layout: a list of them is made only when one differs.
    if (prepared.layout !== layout && layout !== undefined)
      layouts ??= new Array<CellLayout>(rows.length).fill(layout, 0, index)
    layout = prepared.layout
    return prepared.values as CellValue[]
  }
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
    ids[index] = id
    if (!isEmpty && states.get(id) !== undefined) {
      const cells = new Array<CellValue>(layout?.names.length ?? 0)
      updates.set(index, copyLike(layout, row, cells, 0) ? cells : prepare(row))
      starts[index] = -1
    } else {
      if (chunkSize === chunkRows) {
        chunk.length = used
        // Sized for the rows left, as wide as the last row (a wider row makes it grow).
        chunk = new Array<CellValue>(
          Math.min(chunkRows, rows.length - index) * (layout?.names.length ?? 0),
        )
        chunks.push(chunk)
        used = 0
        chunkSize = 0
      }
      if (!copyLike(layout, row, chunk, used)) {
        const cells = prepare(row)
        for (let at = 0; at < cells.length; at++) chunk[used + at] = cells[at]!
      }
      starts[index] = used
      used += layout!.names.length
      chunkSize++
      fresh++
    }
    if (layouts !== undefined) layouts[index] = layout!
  }
  chunk.length = used
  return { ids, chunks, starts, updates, layout, layouts, fresh, hasHoles }
}

function writeBatch(
  context: RowWriteContext,
  batch: PreparedBatch,
  placement: Placement | undefined,
): RowId[] {
  const { states } = context
  const { ids, starts } = batch
  const positions =
    batch.fresh === 0
      ? []
      : context.placement.placeRows(batch.fresh, placement, undefined, 'insertRows')
  const layoutAt = (index: number): CellLayout =>
    batch.layouts === undefined ? batch.layout! : batch.layouts[index]!
  // Rows that were rows already are updated first: no override may fall between a chunk's
  // values and its rows (S286).
  batch.updates.forEach((values, index) => {
    writeCells(context, states.get(ids[index]!)!, { layout: layoutAt(index), values })
  })
  const written = new Array<WrittenRow>(ids.length)
  // A batch of new rows only, without holes, hands its rows to the index in one go, as its own
  // arrays, unless an id in it turns out to be a row (given twice): then one by one from there.
  let isWhole = !batch.hasHoles && batch.updates.size === 0
  const handOver = (index: number): void => {
    if (!isWhole) return
    isWhole = false
    states.addAllLocal(ids.slice(0, index), written.slice(0, index))
  }
  const pack = createPacker(context)
  const items = itemsOf(context.maps.rows)
  let from = 0
  let next = 0
  for (const chunk of batch.chunks) {
    // The chunk's rows: the next `chunkRows` rows to insert, their shapes registered first.
    let to = from
    for (let count = 0; to < ids.length && count < chunkRows; to++) {
      if (ids[to] === undefined || starts[to]! < 0) continue
      pack.shapeOf(layoutAt(to))
      count++
    }
    const first = pack.values(chunk)
    let again: number[] | undefined
    for (let index = from; index < to; index++) {
      const id = ids[index]
      if (id === undefined || starts[index]! < 0) continue
      // An id given twice is inserted once, then updated (upsert, S4). A key with no live item
      // in the doc has no row (the index is asked only for the others: it may not have taken
      // in this batch's rows yet).
      const item = items.get(id)
      if (item !== undefined && !item.deleted) {
        handOver(index)
        if (states.get(id) !== undefined) {
          ;(again ??= []).push(index)
          continue
        }
      }
      const position = positions[next++]!
      const left = item ?? null
      written[index] = pack.row(
        id,
        layoutAt(index),
        first + starts[index]!,
        position,
        isWhole,
        left,
      )
    }
    if (again !== undefined) writeAgain(context, batch, chunk, first, again)
    from = to
  }
  // The caller gets `ids`, which it may change: the index keeps a copy.
  if (isWhole) states.addAllLocal(ids.slice(), written)
  return ids
}

/**
 * Writes the cells of rows of a chunk whose id was inserted earlier in the batch as overrides,
 * after the chunk's rows, and deletes their first values again (no row names them).
 */
function writeAgain(
  context: RowWriteContext,
  batch: PreparedBatch,
  chunk: readonly CellValue[],
  first: number,
  indexes: readonly number[],
): void {
  const { maps, states } = context
  const doc = maps.rows.doc!
  for (const index of indexes) {
    const layout = batch.layouts === undefined ? batch.layout! : batch.layouts[index]!
    const start = batch.starts[index]!
    writeCellsAt(context, states.get(batch.ids[index]!)!, layout, chunk, start)
    const clocks = Array.from(layout.ids, (_, at) => first + start + at)
    deleteValues(doc._transaction!, maps.values, doc.clientID, clocks)
  }
}

// The table's row write methods: each checks its input and the write guard before it touches
// the doc, then writes in one transaction. A row is inserted as its first values in `v` and one
// row value naming them; later cell writes and moves are overrides of the row's life
// (docs/architecture.md, "Layout").
import { TesseraError } from './errors.js'
import { createRowId, type RowId } from './ids.js'
import { checkRowId } from './layout.js'
import { insertRows } from './row-batch.js'
import { prepareCells } from './row-cells.js'
import { createPacker, writeCells, type RowWriteContext } from './row-packer.js'
import type { RowInput } from './row.js'
import type { RowState } from './row-state.js'
import { normalizeCell } from './schema.js'
import { deleteOverrides, writeOverride } from './stored-row.js'
import type { InsertOptions, Placement, Table } from './table-api.js'

export type { RowWriteContext } from './row-packer.js'

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
      const pack = createPacker(context)
      pack.shapeOf(prepared.layout)
      pack.row(id, prepared.layout, pack.values(prepared.values), position!)
    } else {
      writeCells(context, existing, prepared)
      if (isPlaced) placement.moveTo(existing, placement.placeRows(1, options, id, 'insertRow')[0]!)
    }
    return id
  })
}

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

function removeRow(context: RowWriteContext, state: RowState): void {
  context.maps.rows.delete(state.id)
  if (context.states.hasOverrides(state))
    deleteOverrides(context.maps, state, context.columns.allIds())
  context.states.setLocal(state.id, undefined)
}

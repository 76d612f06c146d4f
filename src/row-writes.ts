// The table's row write methods: each checks its input and the write guard before it touches
// the doc, then writes in one transaction. A row is inserted as one value; later cell writes
// and moves are overrides tagged with the row's incarnation (docs/architecture.md, "Layout").
import type { Columns } from './columns.js'
import { TesseraError } from './errors.js'
import { createIncarnation, createRowId, type ColumnId, type RowId } from './ids.js'
import { cellKey, checkRowId, positionColumn, type TableMaps } from './layout.js'
import type { RowInput } from './row.js'
import type { RowPlacement } from './row-placement.js'
import type { RowState, RowStates } from './row-state.js'
import type { Position } from './row-order.js'
import { describe, normalizeCell, type CellValue } from './schema.js'
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

type Stored = Record<ColumnId, CellValue>

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
      const stored = toStored(context, cells, 'updateRow')
      context.check('update', 'updateRow')
      context.edit(() => {
        writeCells(context, state, stored)
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
        writeCells(context, state, { [column.id]: stored })
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
  const stored = toStored(context, cells, 'insertRow')
  context.check(states.get(id) === undefined ? 'insert' : 'update', 'insertRow')
  return context.edit(() => {
    const existing = states.get(id)
    const isPlaced = options.before !== undefined || options.after !== undefined
    if (existing === undefined)
      insertAt(context, id, stored, placement.placeRows(1, options, undefined, 'insertRow')[0]!)
    else {
      writeCells(context, existing, stored)
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
  const prepared = rows.map((cells: RowInput, index) => {
    const given = (cells as { id?: unknown } | null)?.id
    const id = given === undefined ? createRowId() : checkRowId(given, `insertRows[${index}]`)
    return { id, stored: toStored(context, cells, `insertRows[${index}]`) }
  })
  if (prepared.some(({ id }) => states.get(id) === undefined)) context.check('insert', 'insertRows')
  if (prepared.some(({ id }) => states.get(id) !== undefined)) context.check('update', 'insertRows')
  return context.edit(() => {
    const fresh = prepared.filter(({ id }) => states.get(id) === undefined)
    const positions =
      fresh.length === 0
        ? []
        : context.placement.placeRows(fresh.length, placement, undefined, 'insertRows')
    let next = 0
    for (const { id, stored } of prepared) {
      const existing = states.get(id)
      if (existing !== undefined) writeCells(context, existing, stored)
      else insertAt(context, id, stored, positions[next++]!)
    }
    return prepared.map(({ id }) => id)
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

/** Normalizes cells keyed by column name into stored values keyed by column id. */
function toStored(context: RowWriteContext, cells: RowInput, where: string): Stored {
  if (typeof cells !== 'object' || cells === null || Array.isArray(cells)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: cells must be an object keyed by column name, got ${describe(cells)}`,
    )
  }
  const stored: Stored = {}
  for (const name in cells) {
    if (name === 'id' || !Object.hasOwn(cells, name)) continue
    const column = context.columns.require(name, where)
    stored[column.id] = normalizeCell(column, cells[name], `${where} ${name}`)
  }
  return stored
}

function writeCells(context: RowWriteContext, state: RowState, stored: Stored): void {
  for (const [columnId, value] of Object.entries(stored)) {
    context.states.markOverridden(state.id)
    context.maps.cells.set(cellKey(state.id, columnId as ColumnId), [state.inc, value])
  }
}

function insertAt(context: RowWriteContext, id: RowId, stored: Stored, position: Position): void {
  const inc = createIncarnation()
  context.maps.rows.set(id, { i: inc, p: position, c: stored })
  context.states.setLocal(id, { id, inc, position })
}

function removeRow(context: RowWriteContext, state: RowState): void {
  const { maps } = context
  maps.rows.delete(state.id)
  for (const columnId of [positionColumn, ...context.columns.allIds()]) {
    const key = cellKey(state.id, columnId)
    if (maps.cells.has(key)) maps.cells.delete(key)
  }
  context.states.setLocal(state.id, undefined)
}

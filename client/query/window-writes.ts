// A window client's row writes: each checks its input against the window's schema, the
// connection's permissions (S58) and the rows the window holds (S136), then becomes one Yjs
// update naming the items it replaces, exactly what a full replica would send (S135).
import {
  type CellInput,
  type CellValue,
  type Column,
  type RowId,
  type RowInput,
} from '../../src/index.js'
import {
  createRowId,
  encodeMapUpdate,
  newIncarnation,
  overrideSet,
  positionsBetween,
  rowDeletes,
  rowSet,
  type ItemId,
  type MapSet,
  type TablePermissions,
  type WritableRow,
} from '../../src/internal.js'
import type { PendingEdit, RowEdit } from './pending-edits.js'
import {
  checkInsertOptions,
  checkPlacement,
  checkRight,
  placeIn,
  refuseGivenId,
  refuseRow,
  storedCellsOf,
  type rights,
  type ManualOrder,
} from './write-checks.js'

/** The row writes of a window client; inside `transact`, all of them form one update. */
export interface WindowWrites {
  /** Inserts a new row (at the end of the manual order, or before/after a row of the window). */
  insertRow(cells?: RowInput, options?: { id?: string; before?: string; after?: string }): RowId
  updateRow(id: string, cells: RowInput): void
  setCell(id: string, column: string, value: CellInput): void
  /** Deletes a row of the window; false when the window does not hold it. */
  deleteRow(id: string): boolean
  /** Moves a row before or after another (both in a window without orderBy). */
  moveRow(id: string, placement: { before?: string; after?: string }): void
  transact<T>(run: () => T): T
}

export interface WriteContext {
  /** The window's columns, once known. */
  columns(): readonly Column[] | undefined
  /** The row as a write must name it (S136), seeing the edits made so far. */
  writable(id: RowId, draft: readonly PendingEdit[]): WritableRow | undefined
  /**
   * The rows shown in manual order, with positions, and whether the window starts at the first
   * row and ends at the last one; undefined for a window with orderBy.
   */
  manualOrder(draft: readonly PendingEdit[]): ManualOrder | undefined
  /** The greatest position known, for appends. */
  maxPosition(draft: readonly PendingEdit[]): string
  permissions(): TablePermissions | undefined
  commit(update: Uint8Array, edits: RowEdit[]): void
}

export type { ManualOrder } from './write-checks.js'

interface Draft {
  sets: MapSet[]
  deletes: ItemId[]
  edits: RowEdit[]
}

/** The writes of one window client, as Yjs client `client` (its clock starts at 0). */
export function createWindowWrites(context: WriteContext, client: number): WindowWrites {
  let clock = 0
  let draft: Draft | undefined

  const asPending = (): PendingEdit[] =>
    draft === undefined ? [] : [{ seq: 0, update: new Uint8Array(), edits: draft.edits }]
  const edit = <T>(run: (open: Draft) => T): T => {
    if (draft !== undefined) return run(draft)
    const open: Draft = (draft = { sets: [], deletes: [], edits: [] })
    try {
      const result = run(open)
      if (open.sets.length > 0 || open.deletes.length > 0) {
        context.commit(encodeMapUpdate(client, clock, open.sets, open.deletes), open.edits)
        clock += open.sets.length
      }
      return result
    } finally {
      draft = undefined
    }
  }
  /** Adds a set as the next item of the open draft; returns that item's id. */
  const set = (open: Draft, write: MapSet): ItemId => {
    const item = { client, clock: clock + open.sets.length }
    open.sets.push(write)
    return item
  }
  const check = (kind: keyof typeof rights, where: string): void => {
    checkRight(context.permissions(), kind, where)
  }
  const storedCells = (cells: RowInput, where: string): Record<string, CellValue> =>
    storedCellsOf(context.columns(), cells, where)
  const placeAt = (
    placement: { before?: string; after?: string },
    moving: RowId | undefined,
    where: string,
  ): string => placeIn(context.manualOrder(asPending()), placement, moving, where)
  const rowFor = (id: unknown, where: string): WritableRow => {
    const row = typeof id === 'string' ? context.writable(id as RowId, asPending()) : undefined
    return row ?? refuseRow(id, where)
  }
  const writeCells = (open: Draft, row: WritableRow, cells: Record<string, CellValue>): void => {
    const items: Record<string, ItemId> = {}
    for (const [column, value] of Object.entries(cells)) {
      const write = overrideSet(row, column, value)
      const replaced = row.keys.get(column)
      if (replaced?.isAlive === true) open.deletes.push(replaced.item)
      items[column] = set(open, write)
    }
    open.edits.push({ kind: 'cells', id: row.id, cells, items })
  }
  const writes: WindowWrites = {
    insertRow(cells = {}, options = {}) {
      checkInsertOptions(options)
      const given = options.id ?? (cells as { id?: unknown }).id
      if (given !== undefined) {
        // S137: an id the window holds is an upsert; one it does not hold might exist elsewhere.
        if (context.writable(given as RowId, asPending()) !== undefined) {
          writes.updateRow(given as string, cells)
          return given as RowId
        }
        refuseGivenId(given)
      }
      const stored = storedCells(cells, 'insertRow')
      check('insert', 'insertRow')
      return edit((open) => {
        const id = createRowId()
        const isPlaced = options.before !== undefined || options.after !== undefined
        const position = isPlaced
          ? placeAt(options, undefined, 'insertRow')
          : positionsBetween(context.maxPosition(asPending()) || null, null, 1)[0]!
        const item = { client, clock: clock + open.sets.length }
        const incarnation = newIncarnation()
        set(open, rowSet(id, incarnation, position, stored, null))
        open.edits.push({ kind: 'insert', id, item, incarnation, position, cells: stored })
        return id
      })
    },
    updateRow(id, cells) {
      const row = rowFor(id, 'updateRow')
      const stored = storedCells(cells, 'updateRow')
      check('update', 'updateRow')
      edit((open) => {
        writeCells(open, row, stored)
      })
    },
    setCell(id, column, value) {
      writes.updateRow(id, { [column]: value })
    },
    deleteRow(id) {
      const row = typeof id === 'string' ? context.writable(id as RowId, asPending()) : undefined
      if (row === undefined) return false
      check('delete', 'deleteRow')
      edit((open) => {
        open.deletes.push(...rowDeletes(row))
        open.edits.push({ kind: 'delete', id: row.id })
      })
      return true
    },
    moveRow(id, placement) {
      const row = rowFor(id, 'moveRow')
      checkPlacement(placement)
      if (placement.before === id || placement.after === id) return
      check('update', 'moveRow')
      edit((open) => {
        writeCells(open, row, { '': placeAt(placement, row.id, 'moveRow') })
      })
    },
    transact: (run) => edit(() => run()),
  }
  return writes
}

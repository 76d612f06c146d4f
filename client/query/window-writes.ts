// A window client's row writes: each checks its input against the window's schema, the
// connection's permissions (S58) and the rows the window holds (S136), then becomes one Yjs
// update naming the items it replaces, exactly what a full replica would send (S135).
import {
  TesseraError,
  type CellInput,
  type CellValue,
  type Column,
  type RowId,
  type RowInput,
} from '../../src/index.js'
import {
  createRowId,
  newIncarnation,
  positionsBetween,
  rowDeletes,
  rowSet,
  type TablePermissions,
  type WritableRow,
} from '../../src/internal.js'
import type { PendingEdit, RowEdit } from './pending-edits.js'
import { createDraftWriter } from './write-draft.js'
import {
  cellsToStore,
  checkInsertOptions,
  checkRight,
  positionAt,
  type ManualOrder,
  type WriteKind,
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

/** The error for a write to a row the window does not hold (S136). */
const notInWindow = (id: unknown, where: string): TesseraError =>
  new TesseraError(
    'ROW_NOT_FOUND',
    `${where}: row ${JSON.stringify(id)} is not in this window; a window client writes only the rows it shows or inserted (S136): setWindow to a window that holds it`,
    { details: { id } },
  )

/** The writes of one window client, as Yjs client `client` (its clock starts at 0). */
export function createWindowWrites(context: WriteContext, client: number): WindowWrites {
  const {
    pending: asPending,
    edit,
    set,
    writeCells,
  } = createDraftWriter(client, (update, edits) => {
    context.commit(update, edits)
  })
  const check = (kind: WriteKind, where: string): void => {
    checkRight(context.permissions(), kind, where)
  }
  const storedCells = (cells: RowInput, where: string): Record<string, CellValue> =>
    cellsToStore(context.columns(), cells, where)
  const placeAt = (
    placement: { before?: string; after?: string },
    moving: RowId | undefined,
    where: string,
  ): string => positionAt(context.manualOrder(asPending()), placement, moving, where)
  const rowFor = (id: unknown, where: string): WritableRow => {
    const row = typeof id === 'string' ? context.writable(id as RowId, asPending()) : undefined
    if (row !== undefined) return row
    throw notInWindow(id, where)
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
        throw new TesseraError(
          'INVALID_ARGUMENT',
          `insertRow: id ${JSON.stringify(given)} is not in this window, and a window client cannot tell whether it exists elsewhere (S137); omit the id to insert a new row`,
        )
      }
      const stored = storedCells(cells, 'insertRow')
      check('insert', 'insertRow')
      return edit((open) => {
        const id = createRowId()
        const isPlaced = options.before !== undefined || options.after !== undefined
        const position = isPlaced
          ? placeAt(options, undefined, 'insertRow')
          : positionsBetween(context.maxPosition(asPending()) || null, null, 1)[0]!
        const incarnation = newIncarnation()
        const item = set(open, rowSet(id, incarnation, position, stored, null))
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
      if (placement?.before === undefined && placement?.after === undefined) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          'moveRow: give { before: rowId } or { after: rowId }',
        )
      }
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

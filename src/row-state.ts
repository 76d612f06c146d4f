// What the table knows about each live row besides its cells: incarnation, position and cell
// layout (stored-row.ts), the manual order built from them, and the states a transaction is
// turned into a TableChange against (row-changes.ts).
import type * as Y from 'yjs'
import { TesseraError } from './errors.js'
import { firstValueOf } from './first-values.js'
import type { WrittenRow } from './fresh-rows.js'
import type { ColumnId, RowId } from './ids.js'
import { prefixLengthOf } from './incarnation.js'
import {
  firstCell,
  isFormatOneRow,
  parseOverrideKey,
  splitCellKey,
  type TableMaps,
} from './layout.js'
import { createOrderedIndex, stringPrefix, type OrderedIndex } from './ordered-index.js'
import { addAllLocal, addLocal, createRowIndex, putState, settle } from './row-index.js'
import { loadRows } from './row-load.js'
import { comparePositions, type Position } from './row-order.js'
import type { RowShapes } from './row-shapes.js'
import type { ChangeSource, TableChange } from './row.js'
import { describe } from './schema.js'
import { changedKeys, changeOf, freshChange } from './row-changes.js'
import { rowStateOf, storedIncOf, type RowState } from './stored-row.js'

export type { RowState } from './stored-row.js'

/**
 * A `transaction.meta` key: set on a local transaction whose content came from another replica
 * (the server's validated apply, which must stay local for its own corrections).
 */
export const remoteContent = Symbol('tessera.remoteContent')

const positionPrefix = stringPrefix((state: RowState) => state.position)

/** The manual order: by position, then by row id (S5). */
export const compareRowStates = (a: RowState, b: RowState): number =>
  comparePositions(a.position, b.position) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The states of a table's live rows, kept in step with its doc. */
export interface RowStates {
  readonly shapes: RowShapes
  get(id: RowId): RowState | undefined
  /** The state of a live row; `where` names the caller. @throws ROW_NOT_FOUND */
  require(id: string, where: string): RowState
  readonly size: number
  ids(): IterableIterator<RowId>
  /** Every live row's state, in no particular order (scans read them all). */
  values(): IterableIterator<RowState>
  /** The state row `id` has in the doc now (which `get` has too, between transactions). */
  read(id: RowId): RowState | undefined
  /**
   * The state of row `id` stored as `value` (read from the doc just now), for reading its cells:
   * the known state when it names the same life (its position may lag inside a transaction).
   */
  stateOf(id: RowId, value: unknown): RowState | undefined
  /** The manual order (built on first use, then kept up to date). */
  order(): OrderedIndex<RowState>
  /** The greatest position seen so far: appending after it lands past every row. */
  maxPosition(): Position | null
  /** Records a local write at once, so later writes in the same transaction see it. */
  setLocal(id: RowId, state: RowState | undefined): void
  /**
   * Records a row a local write just inserted where no row was (the caller checked), stored as
   * `packed`: what `setLocal` does, with the row's entry in the index left for the index's next
   * read and the per-row bookkeeping of the transaction's change left for later (a bulk
   * insert's rows are added, and need no state from before).
   */
  addLocal(id: RowId, packed: WrittenRow): void
  /**
   * `addLocal` of rows `ids[i]` stored as `packed[i]`, keeping both arrays (never changed), in
   * increasing order of position (as a batch places them).
   */
  addAllLocal(ids: readonly RowId[], packed: readonly WrittenRow[]): void
  /** False when no override was ever written for the row's life: its cells are all in its value. */
  hasOverrides(state: RowState): boolean
  /** Records that an override is being written for the row's life (before the transaction ends). */
  markOverridden(state: RowState): void
  /** Reads the row's state from the doc and turns the transaction's touches into a change. */
  finish(
    transaction: Y.Transaction,
    source: ChangeSource,
    schemaChanged: boolean,
    allColumnIds: () => readonly ColumnId[],
  ): TableChange | undefined
}

/** Reads every row's state from `maps` (the hot path of opening a table). */
export function createRowStates(maps: TableMaps, shapes: RowShapes): RowStates {
  const index = createRowIndex(shapes)
  const { states, before, pending } = index
  // Most rows are never edited after their insert: knowing which lives were lets reads skip the
  // override lookups (one map lookup per column) for all the others. Format 1 overrides name
  // their row id, format 2 overrides their incarnation.
  const editedRows = new Set<RowId>()
  const editedLives = new Set<string>()
  const isEdited = (id: RowId, value: unknown): boolean => {
    const inc = storedIncOf(value)
    return inc === undefined ? editedRows.has(id) : editedLives.has(inc)
  }
  const read = (id: RowId): RowState | undefined => {
    const value = maps.rows.get(id)
    return rowStateOf(maps, shapes, id, value, isEdited(id, value))
  }
  const get = (id: RowId): RowState | undefined => {
    if (pending.size > 0) settle(index)
    return states.get(id)
  }
  const put = (id: RowId, state: RowState | undefined): void => {
    putState(index, id, state)
  }

  for (const key of maps.cells.keys()) editedRows.add(splitCellKey(key)[0])
  for (const key of maps.overrides.keys()) {
    const inc = parseOverrideKey(key)?.incarnation
    if (inc !== undefined && prefixLengthOf(inc) !== undefined) editedLives.add(inc)
  }
  loadRows(maps, index, isEdited, editedRows.size > 0 || editedLives.size > 0)

  return {
    shapes,
    get,
    require(id, where) {
      const state = typeof id === 'string' ? get(id as RowId) : undefined
      return state ?? rowNotFound(id, where)
    },
    get size() {
      return states.size + pending.size
    },
    ids: () => (settle(index), states.keys()),
    values: () => (settle(index), states.values()),
    read,
    stateOf(id, value) {
      const known = get(id)
      return known !== undefined && isSameLife(known, value)
        ? known
        : rowStateOf(maps, shapes, id, value, isEdited(id, value))
    },
    order: () => (
      settle(index),
      (index.order ??= createOrderedIndex(compareRowStates, [...states.values()], {
        prefix: positionPrefix,
      }))
    ),
    maxPosition: () => index.maxPosition,
    setLocal: put,
    addLocal: (id, packed) => {
      addLocal(index, id, packed)
    },
    addAllLocal: (ids, packed) => {
      addAllLocal(index, ids, packed)
    },
    hasOverrides: (state) =>
      state.shape === undefined ? editedRows.has(state.id) : editedLives.has(state.inc as string),
    markOverridden: (state) => {
      if (state.shape === undefined) editedRows.add(state.id)
      else editedLives.add(state.inc as string)
    },
    finish(transaction, source, schemaChanged, allColumnIds) {
      shapes.invalidate(changedKeys(transaction, maps.shapes))
      // A transaction that only inserted rows where none was (a bulk insert) leaves them for
      // the index's next read, and its change lists them when it is read.
      const current = pending.size - index.settled
      if (current > 0 && isOnlyInserts(transaction, maps, current)) {
        const from = index.settled
        index.settled = pending.size
        before.clear()
        return freshChange(transaction, source, schemaChanged, () => pending.idsFrom(from))
      }
      settle(index)
      // Rows added since the last `put` were absent before and are as recorded now.
      const fresh = index.inserted
      index.inserted = []
      const edited = { editedRows, editedLives }
      const tracked = { maps, states, before, edited, read, put, fresh }
      return changeOf(transaction, source, schemaChanged, allColumnIds, tracked)
    },
  }
}

/** True when `value` (read from the doc) stores the life `known` is a state of. */
function isSameLife(known: RowState, value: unknown): boolean {
  if (known.shape === undefined) return isFormatOneRow(value) && value.i === known.inc
  if (known.first >= 0)
    return (value as { i?: unknown } | null)?.i === known.inc && firstValueOf(value) === known.first
  return (
    Array.isArray(value) &&
    value[1] === known.inc &&
    value.length === firstCell + known.shape.ids.length
  )
}

function rowNotFound(id: unknown, where: string): never {
  throw new TesseraError(
    'ROW_NOT_FOUND',
    `${where}: no row with id ${describe(id)}; check the id, or insert the row first`,
    { details: { id } },
  )
}

/** True when the transaction wrote `count` row keys and no override: the pending rows alone. */
function isOnlyInserts(transaction: Y.Transaction, maps: TableMaps, count: number): boolean {
  return (
    changedKeys(transaction, maps.rows).size === count &&
    changedKeys(transaction, maps.cells).size === 0 &&
    changedKeys(transaction, maps.overrides).size === 0
  )
}

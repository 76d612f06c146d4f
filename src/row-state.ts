// What the table knows about each live row besides its cells: incarnation and position, the
// manual order built from them, and the translation of a Yjs transaction into a TableChange.
import * as Y from 'yjs'
import { TesseraError } from './errors.js'
import type { ColumnId, RowId } from './ids.js'
import {
  isStoredRow,
  overrideFor,
  positionColumn,
  splitCellKey,
  cellKey,
  type StoredRow,
  type TableMaps,
} from './layout.js'
import { createOrderedIndex, stringPrefix, type OrderedIndex } from './ordered-index.js'
import { comparePositions, type Position } from './row-order.js'
import type { ChangeSource, TableChange } from './row.js'
import { describe } from './schema.js'

/**
 * A `transaction.meta` key: set on a local transaction whose content came from another replica
 * (the server's validated apply, which must stay local for its own corrections).
 */
export const remoteContent = Symbol('tessera.remoteContent')

/** A live row's identity: `inc` is its incarnation, `position` its current manual-order key. */
export interface RowState {
  readonly id: RowId
  readonly inc: number
  readonly position: Position
}

const positionPrefix = stringPrefix((state: RowState) => state.position)

/** The manual order: by position, then by row id (S5). */
export const compareRowStates = (a: RowState, b: RowState): number =>
  comparePositions(a.position, b.position) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The states of a table's live rows, kept in step with its doc. */
export interface RowStates {
  get(id: RowId): RowState | undefined
  /** The state of a live row; `where` names the caller. @throws ROW_NOT_FOUND */
  require(id: string, where: string): RowState
  readonly size: number
  ids(): IterableIterator<RowId>
  /** The manual order (built on first use, then kept up to date). */
  order(): OrderedIndex<RowState>
  /** The greatest position seen so far: appending after it lands past every row. */
  maxPosition(): Position | null
  /** Records a local write at once, so later writes in the same transaction see it. */
  setLocal(id: RowId, state: RowState | undefined): void
  /** False when no override was ever written for the row: its cells are all in its row value. */
  hasOverrides(id: RowId): boolean
  /** Records that an override is being written for the row (before the transaction ends). */
  markOverridden(id: RowId): void
  /** Reads the row's state from the doc and turns the transaction's touches into a change. */
  finish(
    transaction: Y.Transaction,
    source: ChangeSource,
    schemaChanged: boolean,
    allColumnIds: () => readonly ColumnId[],
  ): TableChange | undefined
}

/** Reads every row's state from `maps` (the hot path of opening a table). */
export function createRowStates(maps: TableMaps): RowStates {
  const states = new Map<RowId, RowState>()
  let order: OrderedIndex<RowState> | undefined
  let maxPosition: Position | null = null
  // The state each row had before the current transaction first touched it (undefined: absent).
  const before = new Map<RowId, RowState | undefined>()

  const readState = (id: RowId): RowState | undefined => {
    const stored: unknown = maps.rows.get(id)
    return isStoredRow(stored) ? stateOf(maps, id, stored, withOverrides.has(id)) : undefined
  }

  const put = (id: RowId, state: RowState | undefined): void => {
    if (!before.has(id)) before.set(id, states.get(id))
    const previous = states.get(id)
    if (previous !== undefined) order?.delete(previous)
    if (state === undefined) {
      states.delete(id)
      return
    }
    states.set(id, state)
    order?.insert(state)
    if (maxPosition === null || state.position > maxPosition) maxPosition = state.position
  }

  // Most rows are never edited after their insert: knowing which were lets reads skip the
  // override lookups (one map lookup per column) for all the others.
  const withOverrides = new Set<RowId>()
  for (const key of maps.cells.keys()) withOverrides.add(splitCellKey(key)[0])
  // Loading is the hot path of opening a table: read each stored row once, straight into place.
  maps.rows.forEach((stored, key) => {
    if (!isStoredRow(stored)) return
    const state = stateOf(maps, key as RowId, stored, withOverrides.has(key as RowId))
    states.set(state.id, state)
    if (maxPosition === null || state.position > maxPosition) maxPosition = state.position
  })

  return {
    get: (id) => states.get(id),
    require(id, where) {
      const state = typeof id === 'string' ? states.get(id as RowId) : undefined
      if (state === undefined) {
        throw new TesseraError(
          'ROW_NOT_FOUND',
          `${where}: no row with id ${describe(id)}; check the id, or insert the row first`,
          { details: { id } },
        )
      }
      return state
    },
    get size() {
      return states.size
    },
    ids: () => states.keys(),
    order: () =>
      (order ??= createOrderedIndex(compareRowStates, [...states.values()], {
        prefix: positionPrefix,
      })),
    maxPosition: () => maxPosition,
    setLocal: put,
    hasOverrides: (id) => withOverrides.has(id),
    markOverridden: (id) => {
      withOverrides.add(id)
    },
    finish(transaction, source, schemaChanged, allColumnIds) {
      // Cell keys are grouped by row; row keys are visited straight from Yjs's set (a bulk
      // insert touches 100,000 of them, and a second map of them would only cost time).
      const cellColumns = new Map<RowId, Set<ColumnId>>()
      for (const key of changedKeys(transaction, maps.cells)) {
        if (key === null) continue
        const [rowId, columnId] = splitCellKey(key)
        withOverrides.add(rowId)
        if (!isReplaced(transaction, maps.cells, key)) continue
        let columns = cellColumns.get(rowId)
        if (columns === undefined) cellColumns.set(rowId, (columns = new Set()))
        if (columnId !== positionColumn) columns.add(columnId)
      }
      const added = new Set<RowId>()
      const deleted = new Set<RowId>()
      const moved = new Set<RowId>()
      const updated = new Map<RowId, ReadonlySet<ColumnId>>()
      const isLocal = transaction.local && !(transaction.origin instanceof Y.UndoManager)
      const visit = (id: RowId, columns: ReadonlySet<ColumnId> | undefined): void => {
        // A local transaction's own writes were recorded as they were made (setLocal); other
        // changes (remote, or an UndoManager's) are read back from the document.
        const wasRecorded = before.has(id)
        const was = wasRecorded ? before.get(id) : states.get(id)
        const now = isLocal && wasRecorded ? states.get(id) : readState(id)
        if (!(isLocal && wasRecorded)) put(id, now)
        if (was === undefined && now === undefined) return
        if (was === undefined) added.add(id)
        else if (now === undefined) deleted.add(id)
        else {
          if (was.position !== now.position) moved.add(id)
          // A different incarnation is a concurrent create that won (S4): every cell may differ.
          const changed = was.inc !== now.inc ? new Set(allColumnIds()) : columns
          if (changed !== undefined && changed.size > 0) updated.set(id, changed)
        }
      }
      for (const key of changedKeys(transaction, maps.rows)) {
        if (key === null) continue
        const id = key as RowId
        visit(id, cellColumns.get(id))
        cellColumns.delete(id)
      }
      for (const [id, columns] of cellColumns) visit(id, columns)
      before.clear()
      if (!schemaChanged && added.size + deleted.size + moved.size + updated.size === 0)
        return undefined
      return { source, origin: transaction.origin, added, deleted, updated, moved, schemaChanged }
    },
  }
}

/** A stored row's state; its position is the override written in its incarnation, if any. */
function stateOf(maps: TableMaps, id: RowId, stored: StoredRow, hasOverrides: boolean): RowState {
  const moved = hasOverrides
    ? overrideFor(maps.cells.get(cellKey(id, positionColumn)), stored.i)
    : undefined
  return { id, inc: stored.i, position: typeof moved?.value === 'string' ? moved.value : stored.p }
}

/** The keys of `type` that a transaction changed (Yjs keys its `changed` map by type). */
function changedKeys(transaction: Y.Transaction, type: object): ReadonlySet<string | null> {
  for (const [changedType, keys] of transaction.changed) if (changedType === type) return keys
  return new Set()
}

/**
 * False when the key still holds the value it held before the transaction: its winning Yjs item
 * is older than the transaction and alive. That is the case of a concurrent write that arrives
 * and loses (S2): Yjs lists the key as changed, but no reader sees a difference (S17).
 */
function isReplaced(
  transaction: Y.Transaction,
  type: { readonly _map: ReadonlyMap<string, Y.Item> },
  key: string,
): boolean {
  const item = type._map.get(key)
  if (item === undefined || item.deleted) return true
  return item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)
}

// The translation of a Yjs transaction into a TableChange (row-state.ts keeps the states it
// compares): which rows were added, deleted, moved, and which of their cells were written.
import * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import { prefixLengthOf } from './incarnation.js'
import { parseOverrideKey, positionColumn, splitCellKey, type TableMaps } from './layout.js'
import type { ChangeSource, TableChange } from './row.js'
import { rowIdOfIncarnation, type RowState } from './stored-row.js'
import { valueBefore } from './transaction-diff.js'

/** The row states a change is computed against, and how to update them. */
export interface TrackedRows {
  readonly maps: TableMaps
  readonly states: ReadonlyMap<RowId, RowState>
  /** The state each row had before the transaction first touched it (undefined: absent). */
  readonly before: Map<RowId, RowState | undefined>
  /** The rows (format 1) and lives (format 2) ever overridden; the transaction's are added. */
  readonly edited: { editedRows: Set<RowId>; editedLives: Set<string> }
  /** The state row `id` has in the doc now. */
  readonly read: (id: RowId) => RowState | undefined
  /** Records row `id`'s new state (undefined: gone). */
  readonly put: (id: RowId, state: RowState | undefined) => void
  /** Rows local writes inserted where none was and nothing touched since (already in `states`). */
  readonly fresh: readonly RowState[]
}

/**
 * Reads the touched rows' states from the doc into `tracked` and turns the transaction's touches
 * into a change; undefined when readers see nothing changed. Clears `tracked.before`.
 */
export function changeOf(
  transaction: Y.Transaction,
  source: ChangeSource,
  schemaChanged: boolean,
  allColumnIds: () => readonly ColumnId[],
  tracked: TrackedRows,
): TableChange | undefined {
  const { maps, states, before, read, put } = tracked
  const cellColumns = overriddenCells(transaction, maps, states, tracked.edited)
  const added = new Set<RowId>()
  for (const state of tracked.fresh) added.add(state.id)
  const freshCount = added.size
  const deleted = new Set<RowId>()
  const moved = new Set<RowId>()
  const updated = new Map<RowId, ReadonlySet<ColumnId>>()
  const isLocal = transaction.local && !(transaction.origin instanceof Y.UndoManager)
  const visit = (id: RowId, columns: ReadonlySet<ColumnId> | undefined): void => {
    // A local transaction's own writes were recorded as they were made (setLocal); other
    // changes (remote, or an UndoManager's) are read back from the document.
    const wasRecorded = before.has(id)
    const was = wasRecorded ? before.get(id) : states.get(id)
    const now = isLocal && wasRecorded ? states.get(id) : read(id)
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
  // Row keys are visited straight from Yjs's set (a bulk insert touches 100,000 of them,
  // and a second map of them would only cost time).
  const rowKeys = changedKeys(transaction, maps.rows)
  // Only fresh rows were written (a bulk insert): nothing else to visit.
  for (const key of rowKeys.size === freshCount ? [] : rowKeys) {
    if (key === null) continue
    if (freshCount > 0 && added.has(key as RowId)) continue
    visit(key as RowId, cellColumns.get(key as RowId))
    cellColumns.delete(key as RowId)
  }
  for (const [id, columns] of cellColumns)
    if (freshCount === 0 || !added.has(id)) visit(id, columns)
  before.clear()
  if (!schemaChanged && added.size + deleted.size + moved.size + updated.size === 0)
    return undefined
  return { source, origin: transaction.origin, added, deleted, updated, moved, schemaChanged }
}

/**
 * The change of a transaction that only inserted rows where none was: they are its added rows,
 * listed (by `idsOf`) when `added` is first read, so a bulk insert that nobody reads the change
 * of makes no set of its 100,000 ids.
 */
export function freshChange(
  transaction: Y.Transaction,
  source: ChangeSource,
  schemaChanged: boolean,
  idsOf: () => RowId[],
): TableChange {
  let added: Set<RowId> | undefined
  // The ids are taken now: the list they come from moves on with later writes.
  const ids = idsOf()
  return {
    source,
    origin: transaction.origin,
    get added() {
      return (added ??= new Set(ids))
    },
    deleted: new Set(),
    updated: new Map(),
    moved: new Set(),
    schemaChanged,
  }
}

/**
 * The cells (and positions, as a row with no column) whose overrides the transaction replaced,
 * by row: format 1 keys name their row; format 2 keys name a life, which names its row through
 * Yjs, and count only when it is the row's current life. Records the edited rows and lives.
 */
function overriddenCells(
  transaction: Y.Transaction,
  maps: TableMaps,
  states: ReadonlyMap<RowId, RowState>,
  edited: { editedRows: Set<RowId>; editedLives: Set<string> },
): Map<RowId, Set<ColumnId>> {
  const cells = new Map<RowId, Set<ColumnId>>()
  const add = (rowId: RowId, columnId: ColumnId): void => {
    let columns = cells.get(rowId)
    if (columns === undefined) cells.set(rowId, (columns = new Set()))
    if (columnId !== positionColumn) columns.add(columnId)
  }
  for (const key of changedKeys(transaction, maps.cells)) {
    if (key === null) continue
    const [rowId, columnId] = splitCellKey(key)
    edited.editedRows.add(rowId)
    if (!isReplaced(transaction, maps.cells, key)) continue
    // A deleted override of another life was never shown (S129 reclaims them): no change.
    const was = maps.cells.has(key) ? undefined : valueBefore(transaction, maps.cells, key)
    if (Array.isArray(was) && was[0] !== states.get(rowId)?.inc) continue
    add(rowId, columnId)
  }
  for (const key of changedKeys(transaction, maps.overrides)) {
    const target = key === null ? undefined : parseOverrideKey(key)
    if (target === undefined || prefixLengthOf(target.incarnation) === undefined) continue
    edited.editedLives.add(target.incarnation)
    if (!isReplaced(transaction, maps.overrides, key!)) continue
    const rowId = rowIdOfIncarnation(maps, target.incarnation)
    const state = rowId === undefined ? undefined : states.get(rowId)
    // A life the row does not have (deleted, replaced, or inserted by this very transaction,
    // whose row is visited whole anyway) changes nothing readers see.
    if (state?.inc !== target.incarnation) continue
    if ('columnId' in target) add(state.id, target.columnId)
    else if (target.slot === 0) add(state.id, positionColumn)
    else {
      const columnId = state.shape?.ids[target.slot - 1]
      if (columnId !== undefined) add(state.id, columnId)
    }
  }
  return cells
}

/** The keys of `type` that a transaction changed (Yjs keys its `changed` map by type). */
export function changedKeys(transaction: Y.Transaction, type: object): ReadonlySet<string | null> {
  for (const [changedType, keys] of transaction.changed) if (changedType === type) return keys
  return new Set()
}

/**
 * False when the key still holds the value it held before the transaction: its winning Yjs item
 * is older than the transaction and alive. That is the case of a concurrent write that arrives
 * and loses (S2): Yjs lists the key as changed, but no reader sees a difference (S17).
 */
function isReplaced(transaction: Y.Transaction, type: Y.Map<unknown>, key: string): boolean {
  const item = (type as unknown as { _map: ReadonlyMap<string, Y.Item> })._map.get(key)
  if (item === undefined || item.deleted) return true
  return item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)
}

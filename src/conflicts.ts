// Conflict reports (docs/semantics.md S40–S42): a cell value this replica wrote, still current,
// replaced by a remote write whose writer had not seen it. Reads Yjs's Y.Map item internals.
import * as Y from 'yjs'
import { TesseraError } from './errors.js'
import type { ColumnId, RowId } from './ids.js'
import {
  isFormatOneRow,
  parseOverrideKey,
  positionColumn,
  splitCellKey,
  tableMaps,
  type TableMaps,
} from './layout.js'
import { createRowShapes, type RowShapes } from './row-shapes.js'
import { readCell, type CellValue } from './schema.js'
import { packedShapeOf, rowIdOfIncarnation, storedIncOf } from './stored-row.js'
import type { Table } from './table-api.js'

/** One lost local write: the cell, the value this replica wrote, and the value that replaced it. */
export interface Conflict {
  /** Stable within this tracker; pass it to `dismiss`. */
  readonly id: string
  readonly row: RowId
  readonly column: string
  readonly columnId: ColumnId
  /** The value this replica wrote, which was overwritten. */
  readonly mine: CellValue
  /** The value that replaced it (the cell's value when the conflict was seen). */
  readonly theirs: CellValue
  /** The Yjs client id of the replica whose write won (presence maps it to a user). */
  readonly by: number
  /** When this replica saw the overwrite, in ms since the epoch. */
  readonly at: number
}

/** Options of createConflicts. */
export interface ConflictsOptions {
  /** Which Yjs client ids are this replica's own; default: the doc's current client id. */
  isOwnClient?: (clientId: number) => boolean
  /** The most reports kept; the oldest go first. Default 1000. */
  maxConflicts?: number
}

/** The conflicts seen on one table, kept until dismissed or resolved (S41). */
export interface Conflicts {
  list(): readonly Conflict[]
  /** Conflicts of one cell (the newest last). */
  forCell(row: string, column: string): readonly Conflict[]
  /** Calls `handler` with the whole list after every change to it; returns the unsubscribe. */
  subscribe(handler: (conflicts: readonly Conflict[]) => void): () => void
  dismiss(id: string): void
  clear(): void
  destroy(): void
}

/**
 * Starts reporting conflicts on `table`: a remote transaction that replaces a cell value this
 * replica wrote, without its writer having seen that value, adds a Conflict (S40).
 * @example
 * const conflicts = createConflicts(table)
 * conflicts.subscribe((list) => render(list))
 * @throws INVALID_ARGUMENT for unknown options
 */
export function createConflicts(table: Table, options: ConflictsOptions = {}): Conflicts {
  const unknownKey = Object.keys(options).find((k) => !['isOwnClient', 'maxConflicts'].includes(k))
  if (unknownKey !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `createConflicts: unknown option "${unknownKey}"; expected isOwnClient or maxConflicts`,
    )
  }
  const doc = table.doc
  const maps = tableMaps(doc)
  const isOwn = options.isOwnClient ?? ((clientId: number) => clientId === doc.clientID)
  const max = options.maxConflicts ?? 1000
  let conflicts: Conflict[] = []
  let counter = 0
  const handlers = new Set<(conflicts: readonly Conflict[]) => void>()

  const emit = (): void => {
    for (const handler of [...handlers]) handler(conflicts)
  }

  const onBeforeObserverCalls = (transaction: Y.Transaction): void => {
    const before = conflicts.length
    const found: Conflict[] = []
    for (const cell of touchedCells(transaction, maps, createRowShapes(maps))) {
      if (transaction.local) {
        // S41: writing the cell again is this replica's answer to the conflict.
        conflicts = conflicts.filter((c) => c.row !== cell.row || c.columnId !== cell.columnId)
        continue
      }
      const conflict = detect(transaction, cell)
      if (conflict !== undefined) found.push(conflict)
    }
    if (conflicts.length > 0 && changedKeys(transaction, maps.rows) !== undefined) {
      conflicts = conflicts.filter((c) => maps.rows.has(c.row))
    }
    if (found.length === 0 && conflicts.length === before) return
    conflicts = [...conflicts, ...found].slice(-max)
    emit()
  }

  const detect = (transaction: Y.Transaction, cell: TouchedCell): Conflict | undefined => {
    const { row, columnId } = cell
    const current = itemsOf(cell.map).get(cell.key)
    if (current === undefined || current.deleted || !isNew(transaction, current)) return undefined
    // The value before this transaction is the rightmost item of the key that it did not add.
    let previous = current.left
    while (previous !== null && isNew(transaction, previous)) previous = previous.left
    if (previous === null || !isOwn(previous.id.client) || isOwn(current.id.client))
      return undefined
    if (previous.deleted && !Y.isDeleted(transaction.deleteSet, previous.id)) return undefined
    if (hasSeen(doc, current, previous)) return undefined
    // An override of another life of the row is not shown (S3, S4), so it loses nothing.
    const mine = cell.valueOf(previous)
    const theirs = cell.valueOf(current)
    const column = table.columns().find((c) => c.id === columnId)
    if (mine === undefined || theirs === undefined || column === undefined) return undefined
    return {
      id: `c${++counter}`,
      row,
      column: column.name,
      columnId,
      mine: readCell(column.type, mine.value),
      theirs: readCell(column.type, theirs.value),
      by: current.id.client,
      at: Date.now(),
    }
  }

  doc.on('beforeObserverCalls', onBeforeObserverCalls)

  return {
    list: () => conflicts,
    forCell: (row, column) => conflicts.filter((c) => c.row === row && c.column === column),
    subscribe(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    dismiss(id) {
      const next = conflicts.filter((c) => c.id !== id)
      if (next.length === conflicts.length) return
      conflicts = next
      emit()
    },
    clear() {
      if (conflicts.length === 0) return
      conflicts = []
      emit()
    },
    destroy() {
      doc.off('beforeObserverCalls', onBeforeObserverCalls)
      handlers.clear()
    },
  }
}

/** The keys of `type` that a transaction changed (Yjs keys its `changed` map by type). */
function changedKeys(transaction: Y.Transaction, type: object): Set<string | null> | undefined {
  for (const [changed, keys] of transaction.changed) if (changed === type) return keys
  return undefined
}

function isNew(transaction: Y.Transaction, item: Y.Item): boolean {
  return item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)
}

/**
 * True when `later`'s writer had seen `earlier`: a map item's origin is the item its writer saw
 * as the key's value, so `earlier` is on the origin chain of any write made after seeing it.
 */
function hasSeen(doc: Y.Doc, later: Y.Item, earlier: Y.Item): boolean {
  let origin = later.origin
  for (let steps = 0; origin !== null && steps < 100_000; steps++) {
    if (
      origin.client === earlier.id.client &&
      origin.clock >= earlier.id.clock &&
      origin.clock < earlier.id.clock + earlier.length
    )
      return true
    const item = Y.getItem(doc.store, origin)
    if (!(item instanceof Y.Item)) return false
    origin = item.origin
  }
  return false
}

const itemsOf = (map: Y.Map<unknown>): ReadonlyMap<string, Y.Item> =>
  (map as unknown as { _map: ReadonlyMap<string, Y.Item> })._map

const lastValue = (item: Y.Item): unknown => {
  const content: unknown[] = item.content.getContent()
  return content[content.length - 1]
}

/** A cell override a transaction touched, and how to read an item of it in the row's current life. */
interface TouchedCell {
  readonly map: Y.Map<unknown>
  readonly key: string
  readonly row: RowId
  readonly columnId: ColumnId
  valueOf(item: Y.Item): { value: unknown } | undefined
}

/** The cell overrides (not positions) of either data format that a transaction touched. */
function touchedCells(
  transaction: Y.Transaction,
  maps: TableMaps,
  shapes: RowShapes,
): TouchedCell[] {
  const cells: TouchedCell[] = []
  for (const key of changedKeys(transaction, maps.cells) ?? []) {
    if (key === null) continue
    const [row, columnId] = splitCellKey(key)
    if (columnId === positionColumn) continue
    const valueOf = (item: Y.Item) => {
      const stored: unknown = maps.rows.get(row)
      const value = lastValue(item)
      const isLive = Array.isArray(value) && value.length === 2 && isFormatOneRow(stored)
      return isLive && value[0] === stored.i ? { value: value[1] as unknown } : undefined
    }
    cells.push({ map: maps.cells, key, row, columnId, valueOf })
  }
  for (const key of changedKeys(transaction, maps.overrides) ?? []) {
    const target = key === null ? undefined : parseOverrideKey(key)
    if (target === undefined || ('slot' in target && target.slot === 0)) continue
    const row = rowIdOfIncarnation(maps, target.incarnation)
    const stored: unknown = row === undefined ? undefined : maps.rows.get(row)
    const shape = packedShapeOf(stored, shapes)
    if (shape === undefined || storedIncOf(stored) !== target.incarnation) continue
    const columnId = 'columnId' in target ? target.columnId : shape.ids[target.slot - 1]
    if (columnId === undefined) continue
    const valueOf = (item: Y.Item) => {
      const value = lastValue(item)
      return value === undefined || value instanceof Y.AbstractType ? undefined : { value }
    }
    cells.push({ map: maps.overrides, key: key!, row: row!, columnId, valueOf })
  }
  return cells
}

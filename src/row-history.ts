// A row's history read from the Store port: the log replayed entry by entry over a Table, keeping
// each entry that changed the row (its cells, its position, its life) or the schema.
import * as Y from 'yjs'
import { TesseraError } from './errors.js'
import { forEachLogged } from './history.js'
import type { LoggedUpdate, Store } from './ports/store.js'
import { applySnapshot } from './snapshot.js'
import type { CellValue, Column } from './schema.js'
import { createTable } from './table.js'
import type { Row } from './row.js'
import type { Table } from './table-api.js'
import type { RowId } from './ids.js'
import { diffColumns, type ColumnChange } from './column-diff.js'

/** One change of a row (or of the schema its cells are read by), as one log entry made it. */
export interface RowHistoryEntry {
  /** The log entry's sequence number (pass it as `afterSeq` to read on from there). */
  seq: number
  atMs: number
  author: string | null
  /** `schema`: the entry changed only columns (the row's cells are read by them). */
  action: 'insert' | 'update' | 'move' | 'delete' | 'schema'
  /** The new value of each cell the entry changed, by column name (every cell for an insert). */
  cells?: Record<string, CellValue>
  /** True when the entry was written by a restore (`POST /tables/:table/restore`). */
  isRestore?: boolean
  /** The columns the entry changed. */
  schema?: ColumnChange[]
}

/** Options of `readRowHistory`. */
export interface RowHistoryOptions {
  /** Only entries after this sequence number; default: from the start of the history. */
  afterSeq?: number
  /** Most entries returned; default 1,000. */
  limit?: number
}

/** The meta key a restore writes (docs/history.md), so its entry can be told apart. */
export const restoreMetaKey = 'lastRestore'

const cellsOf = (row: Row, names?: ReadonlySet<string>): Record<string, CellValue> => {
  const cells: Record<string, CellValue> = {}
  for (const [name, value] of Object.entries(row)) {
    if (name !== 'id' && (names === undefined || names.has(name))) cells[name] = value
  }
  return cells
}

type Change = Parameters<Parameters<Table['on']>[1]>[0]

/** What one applied log entry did to the row (and the schema), or undefined when nothing. */
const describe = (
  table: Table,
  rowId: string,
  logged: LoggedUpdate,
  change: Change,
  columnsBefore: readonly Column[],
): RowHistoryEntry | undefined => {
  const id = rowId as RowId
  const base = { seq: logged.seq, atMs: logged.atMs, author: logged.author }
  const schema = change.schemaChanged ? diffColumns(columnsBefore, table.columns()) : []
  const row = table.getRow(rowId)
  let entry: RowHistoryEntry | undefined
  if (change.added.has(id) && row !== undefined)
    entry = { ...base, action: 'insert', cells: cellsOf(row) }
  else if (change.deleted.has(id)) entry = { ...base, action: 'delete' }
  else if (change.updated.has(id) && row !== undefined) {
    const byId = new Map(table.columns().map((column) => [column.id as string, column.name]))
    const names = new Set<string>()
    for (const columnId of change.updated.get(id)!) {
      const name = byId.get(columnId)
      if (name !== undefined) names.add(name)
    }
    entry = { ...base, action: 'update', cells: cellsOf(row, names) }
  } else if (change.moved.has(id)) entry = { ...base, action: 'move' }
  else if (schema.length > 0) entry = { ...base, action: 'schema' }
  if (entry !== undefined && schema.length > 0) entry.schema = schema
  return entry
}

/**
 * Reads the history of one row, oldest first: each log entry that inserted, changed, moved or
 * deleted it, or changed the columns, with the new cell values, the author and the time.
 * @throws HISTORY_UNAVAILABLE when `afterSeq` is older than the retained history
 */
export async function readRowHistory(
  store: Store,
  table: string,
  rowId: string,
  options: RowHistoryOptions = {},
): Promise<RowHistoryEntry[]> {
  const { afterSeq = 0, limit = 1000 } = options
  const doc = new Y.Doc()
  const start = await startAt(store, table, afterSeq)
  if (start.snapshot !== undefined) applySnapshot(doc, start.snapshot)
  const replica = createTable({ doc })
  let change: Change | undefined
  replica.on('change', (next) => (change = next))
  let isRestore = false
  const meta = doc.getMap('meta')
  doc.on('afterTransaction', (transaction: Y.Transaction) => {
    isRestore = false
    for (const [type, keys] of transaction.changed)
      if ((type as unknown) === meta && keys.has(restoreMetaKey)) isRestore = true
  })
  const entries: RowHistoryEntry[] = []
  try {
    await forEachLogged(store, table, start.seq, Infinity, (logged) => {
      if (logged.seq <= afterSeq || entries.length >= limit) {
        if (logged.seq <= afterSeq) Y.applyUpdate(doc, logged.update)
        return
      }
      const columnsBefore = [...replica.columns()]
      change = undefined
      Y.applyUpdate(doc, logged.update)
      // Set by the change handler while the update applies.
      const applied = change as Change | undefined
      const entry = applied && describe(replica, rowId, logged, applied, columnsBefore)
      if (entry === undefined) return
      if (isRestore) entry.isRestore = true
      entries.push(entry)
    })
  } finally {
    replica.destroy()
    doc.destroy()
  }
  return entries
}

/**
 * Where to replay from to read on after entry `seq`: the newest snapshot at or before it, else
 * the empty table when the log is whole from entry 1, else the history base.
 */
const startAt = async (
  store: Store,
  table: string,
  seq: number,
): Promise<{ seq: number; snapshot?: Uint8Array }> => {
  const snapshots = await store.snapshots(table)
  const [first] = await store.readLog(table, 0, 1)
  const isWhole = snapshots.length === 0 || first?.seq === 1
  const nearest =
    snapshots.filter((info) => info.seq <= seq).at(-1) ?? (isWhole ? undefined : snapshots[0])
  if (nearest === undefined) return { seq: 0 }
  const snapshot = await store.readSnapshot(table, nearest.seq)
  if (snapshot === undefined) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `table "${table}": a snapshot was trimmed while it was read; retry`,
    )
  }
  return { seq: nearest.seq, snapshot }
}

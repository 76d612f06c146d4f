// What a window client shows: the rows the server last sent for its window (plain values plus
// Yjs ids), with the client's own pending edits laid over them, filtered and sorted again by the
// query so own edits show at once (S138). Pure state; knows no socket and no storage.
import {
  TesseraError,
  type CellValue,
  type Column,
  type ColumnType,
  type Query,
  type Row,
  type RowId,
} from '../../src/index.js'
import {
  matchesCondition,
  parseQuery,
  readCell,
  sortCodeOf,
  type ItemId,
  type ParsedQuery,
  type WindowColumn,
  type WindowHead,
  type WindowRow,
  type WritableRow,
} from '../../src/internal.js'
import type { PendingEdit } from './pending-edits.js'

/** The server's last answer for the window, as the offline copy keeps it too. */
export interface WindowAnswer {
  readonly columns: readonly WindowColumn[]
  readonly head: WindowHead
  readonly rows: readonly WindowRow[]
}

/** What the window shows now. */
export interface Shown {
  readonly rows: readonly Row[]
  readonly total: number
}

interface LiveRow {
  readonly id: RowId
  position: string
  readonly values: Record<string, CellValue>
}

/** The columns of a schema message as the API describes them. */
export function columnsOf(columns: readonly WindowColumn[]): Column[] {
  return columns.map((column) => ({
    id: column.id as Column['id'],
    name: column.name,
    type: column.type as ColumnType,
    default: column.default as CellValue,
    position: '',
  }))
}

/** The query parsed against `columns`, or undefined when it does not fit them. */
export function parseFor(query: Query, columns: readonly Column[]): ParsedQuery | undefined {
  try {
    return parseQuery(query, columns)
  } catch (error) {
    if (error instanceof TesseraError) return undefined
    throw error
  }
}

const rowOf = (row: WindowRow, columns: readonly Column[]): LiveRow => {
  const values: Record<string, CellValue> = {}
  columns.forEach((column, index) => {
    values[column.name] = (row.values[index] ?? null) as CellValue
  })
  return { id: row.id as RowId, position: row.position, values }
}

/**
 * The rows the window shows: the answer's rows with `pending` applied in order, then the
 * query's filter and order again. Rows sorted past the answer's first or last row leave the
 * window (the server fills it in when it answers); own inserts that land inside it show.
 */
export function shownRows(
  answer: WindowAnswer,
  query: ParsedQuery | undefined,
  pending: readonly PendingEdit[],
): Shown {
  const columns = columnsOf(answer.columns)
  const byId = new Map<string, Column>(columns.map((column) => [column.id, column]))
  const live = new Map<RowId, LiveRow>()
  for (const row of answer.rows) live.set(row.id as RowId, rowOf(row, columns))
  const served = new Set(live.keys())
  const inserted = new Set<RowId>()
  for (const { edits } of pending) {
    for (const edit of edits) {
      if (edit.kind === 'delete') live.delete(edit.id)
      else if (edit.kind === 'insert') {
        const values: Record<string, CellValue> = {}
        for (const column of columns) {
          const stored = column.id in edit.cells ? edit.cells[column.id] : column.default
          values[column.name] = readCell(column.type, stored)
        }
        live.set(edit.id, { id: edit.id, position: edit.position, values })
        if (!served.has(edit.id)) inserted.add(edit.id)
      } else {
        const row = live.get(edit.id)
        if (row === undefined) continue
        for (const [columnId, value] of Object.entries(edit.cells)) {
          if (columnId === '') row.position = value as string
          const column = byId.get(columnId)
          if (column !== undefined) row.values[column.name] = readCell(column.type, value)
        }
      }
    }
  }
  const asRow = (row: LiveRow): Row => ({ id: row.id, ...row.values })
  if (query === undefined) return { rows: [...live.values()].map(asRow), total: answer.head.total }
  return arrange(
    answer,
    query,
    [...live.values()].map((row) => [asRow(row), row.position]),
    {
      served,
      inserted,
    },
  )
}

function arrange(
  answer: WindowAnswer,
  query: ParsedQuery,
  candidates: [Row, string][],
  { served, inserted }: { served: ReadonlySet<RowId>; inserted: ReadonlySet<RowId> },
): Shown {
  const { head, rows } = answer
  const columns = columnsOf(answer.columns)
  const codeOf = (row: WindowRow): string =>
    sortCodeOf(query, { ...rowOf(row, columns).values, id: row.id } as Row, row.position)
  // The answer's first and last rows bound the window (unless it starts at 0 or is not full).
  const low = head.offset > 0 && rows.length > 0 ? codeOf(rows[0]!) : undefined
  const high = rows.length >= head.limit ? codeOf(rows.at(-1)!) : undefined
  let total = head.total
  const kept: [Row, string][] = []
  for (const [row, position] of candidates) {
    const matches = matchesCondition(query.where, row)
    if (inserted.has(row.id)) total += matches ? 1 : 0
    else if (!matches) total--
    if (!matches) continue
    const code = sortCodeOf(query, row, position)
    if ((low !== undefined && code < low) || (high !== undefined && code > high)) continue
    kept.push([row, code])
  }
  total -= served.size - [...candidates].filter(([row]) => served.has(row.id)).length
  kept.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  return { rows: kept.slice(0, head.limit).map(([row]) => row), total: Math.max(0, total) }
}

/**
 * What a write to row `id` must name (S136): the row as the server last sent it or as this
 * client inserted it, with the keys its own pending edits wrote; undefined for a row the window
 * does not hold or that a pending edit deleted.
 */
export function writableRow(
  answer: WindowAnswer | undefined,
  pending: readonly PendingEdit[],
  id: RowId,
): WritableRow | undefined {
  const served = answer?.rows.find((row) => row.id === id)
  let row:
    | (Omit<WritableRow, 'id' | 'keys'> & { keys: Map<string, { item: ItemId; isAlive: boolean }> })
    | undefined =
    served === undefined
      ? undefined
      : {
          item: served.item,
          incarnation: served.incarnation,
          slots: slotsOf(answer!.columns, served),
          keys: new Map(served.keys.map((key) => [key.column, key])),
        }
  for (const { edits } of pending) {
    for (const edit of edits) {
      if (edit.id !== id) continue
      if (edit.kind === 'delete') row = undefined
      else if (edit.kind === 'insert')
        row = { item: edit.item, incarnation: edit.incarnation, slots: undefined, keys: new Map() }
      else if (row !== undefined) {
        for (const [column, item] of Object.entries(edit.items))
          row.keys.set(column, { item, isAlive: true })
      }
    }
  }
  return row === undefined ? undefined : { id, ...row }
}

/**
 * A served row's override slots by column id; undefined for a row of data format 1 (its
 * incarnation is a number; a packed row's is a string, with slots even when it has no column).
 */
function slotsOf(
  columns: readonly WindowColumn[],
  row: WindowRow,
): ReadonlyMap<string, number> | undefined {
  if (typeof row.incarnation !== 'string') return undefined
  return new Map(columns.map((column, at) => [column.id, row.slots[at] ?? 0]))
}

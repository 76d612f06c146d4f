// The grid's writes to the table: typed edits, fills, pastes and clears, each in one transaction
// (one undo step, one update on the wire, S123). Text a column refuses becomes a draft (S124).
import {
  isTesseraError,
  type CellInput,
  type Column,
  type RowInput,
  type Table,
} from '../../src/index.js'
import { createRowId } from '../../src/internal.js'
import type { Draft } from './cells.js'
import { parseBoolean, parseCell } from './values.js'

/** Drafts by cell key: a refused text, or undefined where a write went through (drop the draft). */
export type DraftChanges = Map<string, Draft | undefined>

/** The key of a cell in the drafts: its row id and column id. */
export const cellKey = (row: string, columnId: string): string => `${row}\u0000${columnId}`

/** One cell to write: text as typed or pasted, or a checkbox's state. */
export interface CellWrite {
  readonly row: string
  readonly column: string
  readonly value: string | boolean
}

/** Reads a written value for the column; a refused text goes to `drafts` instead. */
function read(column: Column, row: string, value: string | boolean, drafts: DraftChanges) {
  const key = cellKey(row, column.id)
  try {
    const text = typeof value === 'string' ? value : value ? 'TRUE' : 'FALSE'
    const parsed: CellInput =
      column.type === 'boolean' && typeof value === 'string'
        ? (parseBoolean(text) ?? (text.trim() === '' ? false : parseCell(text, 'boolean')))
        : column.type === 'boolean'
          ? value
          : parseCell(text, column.type)
    drafts.set(key, undefined)
    return { ok: true as const, parsed }
  } catch (error) {
    if (!isTesseraError(error, 'SCHEMA_VIOLATION')) throw error
    drafts.set(key, { text: String(value), message: error.message })
    return { ok: false as const }
  }
}

/** True when writing `next` would leave the cell as it is (an editor closed without a change). */
const isSame = (current: unknown, next: CellInput): boolean =>
  JSON.stringify(current ?? null) ===
  JSON.stringify(next instanceof Date ? next.toISOString() : next)

/**
 * Writes cells (an edit, a fill) in one transaction; rows deleted meanwhile are skipped, and so
 * are cells that would not change.
 */
export function writeCells(table: Table, writes: readonly CellWrite[]): DraftChanges {
  const drafts: DraftChanges = new Map()
  table.transact(() => {
    for (const write of writes) {
      const column = table.getColumn(write.column)
      if (column === undefined || !table.hasRow(write.row)) continue
      const result = read(column, write.row, write.value, drafts)
      if (result.ok && !isSame(table.getCell(write.row, column.name), result.parsed))
        table.setCell(write.row, column.name, result.parsed)
    }
  })
  return drafts
}

/**
 * Pastes rows of text from the top-left cell of a range (S122): `rowIds` are the rows from the
 * target down (fewer than `data` when the paste runs past the end: new rows are added), and
 * `columns` the visible columns from the target rightwards (text past the last is dropped).
 */
export function pasteCells(
  table: Table,
  rowIds: readonly string[],
  columns: readonly Column[],
  data: readonly (readonly string[])[],
): DraftChanges {
  const drafts: DraftChanges = new Map()
  table.transact(() => {
    const added: RowInput[] = []
    data.forEach((cells, index) => {
      const id = rowIds[index] ?? createRowId()
      const row: Record<string, CellInput> = {}
      cells.forEach((text, at) => {
        const column = columns[at]
        if (column === undefined) return
        const result = read(column, id, text, drafts)
        if (result.ok) row[column.name] = result.parsed
      })
      if (rowIds[index] === undefined) added.push({ ...row, id })
      else if (table.hasRow(id)) table.updateRow(id, row)
    })
    if (added.length > 0) table.insertRows(added)
  })
  return drafts
}

/** Clears a range (S123): empty cells, unchecked checkboxes; drafts in it go too. */
export function clearCells(
  table: Table,
  rowIds: readonly string[],
  columns: readonly Column[],
): DraftChanges {
  const drafts: DraftChanges = new Map()
  table.transact(() => {
    for (const id of rowIds) {
      if (!table.hasRow(id)) continue
      for (const column of columns) {
        drafts.set(cellKey(id, column.id), undefined)
        const empty = column.type === 'boolean' ? false : null
        if (table.getCell(id, column.name) !== empty) table.setCell(id, column.name, empty)
      }
    }
  })
  return drafts
}

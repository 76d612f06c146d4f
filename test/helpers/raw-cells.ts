// Writes a cell override the way a foreign writer could, bypassing the table's checks, in the
// data format of the row (format 1 rows: `cells`; packed rows: `o`). For tests of S15 and S19.
import * as Y from 'yjs'
import type { ColumnId, RowId } from '../../src/ids.js'
import { incarnationOf } from '../../src/incarnation.js'
import { parseOverrideKey, tableMaps } from '../../src/layout.js'
import { createRowShapes } from '../../src/row-shapes.js'
import { valuesRowOf } from '../../src/values-array.js'
import { decodeRow, rowIdOfIncarnation, rowStateOf, writeOverride } from '../../src/stored-row.js'

/** Writes `value` as the override of row `rowId`'s cell `columnId` in its current life. */
export function writeRawOverride(
  doc: Y.Doc,
  rowId: string,
  columnId: string,
  value: unknown,
): void {
  const maps = tableMaps(doc)
  const state = rowStateOf(maps, createRowShapes(maps), rowId as RowId, maps.rows.get(rowId), true)
  if (state === undefined) throw new Error(`no row ${rowId}`)
  writeOverride(maps, state, columnId as ColumnId, value)
}

/** Writes row `rowId` as a packed value of `cells` (in their key order), as a writer could. */
export function writeRawPackedRow(
  doc: Y.Doc,
  rowId: string,
  cells: Record<string, unknown>,
  position = 'a5',
): void {
  const maps = tableMaps(doc)
  doc.transact(() => {
    const ids = Object.keys(cells) as ColumnId[]
    const number = createRowShapes(maps).numberFor(doc.clientID, ids)
    const inc = incarnationOf(doc.clientID, Y.getState(doc.store, doc.clientID))
    maps.rows.set(rowId, [number, inc, position, ...ids.map((id) => cells[id])])
  })
}

/** Every cell value stored in the doc (row values, first values and overrides of every format), by column id. */
export function storedCells(doc: Y.Doc): [string, unknown][] {
  const maps = tableMaps(doc)
  const shapes = createRowShapes(maps)
  const cells: [string, unknown][] = []
  maps.rows.forEach((value, id) => {
    const row = decodeRow(maps, shapes, id as RowId, value)
    if (row !== undefined) cells.push(...row.cells)
  })
  maps.cells.forEach((override, key) => {
    cells.push([key.slice(key.indexOf('\u0000') + 1), (override as unknown[])[1]])
  })
  maps.overrides.forEach((value, key) => {
    const target = parseOverrideKey(key)
    const rowId = target === undefined ? undefined : rowIdOfIncarnation(maps, target.incarnation)
    // The row's life and shape as every reader reads them (a packed row of format 2 or 3).
    const row =
      rowId === undefined ? undefined : rowStateOf(maps, shapes, rowId, maps.rows.get(rowId), false)
    if (target === undefined || row?.shape === undefined || row.inc !== target.incarnation) {
      cells.push([`orphan ${JSON.stringify(key)}`, value])
      return
    }
    const column = 'columnId' in target ? target.columnId : row.shape.ids[target.slot - 1]
    if (!('slot' in target) || target.slot !== 0)
      cells.push([column ?? `no slot ${JSON.stringify(key)}`, value])
  })
  return cells
}

/**
 * Rewrites row `rowId` in its own life and format (a format 3 row as format 2: below), as a
 * writer bypassing the API could: its cells (by column id; a packed row can only hold the
 * columns of its shape, others are left out) and, when given, its position.
 */
export function rewriteRawRow(
  doc: Y.Doc,
  rowId: string,
  cells: Record<string, unknown>,
  position?: string,
): void {
  const maps = tableMaps(doc)
  const value = maps.rows.get(rowId)
  const shapes = createRowShapes(maps)
  // A format 3 row's cells are its first values, which no later value of its life can name
  // again (they are before its incarnation): it is rewritten as the format 2 row of its life.
  const parts = valuesRowOf(value)
  const shape = parts === undefined ? undefined : shapes.of(parts.shape, parts.inc)
  if (parts !== undefined && shape !== undefined) {
    const packed = shape.ids.map((id) => cells[id])
    maps.rows.set(rowId, [parts.shape, parts.inc, position ?? parts.position, ...packed])
    return
  }
  const row = decodeRow(maps, shapes, rowId as RowId, value)
  if (row === undefined) throw new Error(`no row ${rowId}`)
  const where = position ?? (row.position as string)
  if (row.packed === undefined) {
    maps.rows.set(rowId, { i: row.inc, p: where, c: cells })
    return
  }
  const packed = row.packed.shape.ids.map((id) => cells[id])
  maps.rows.set(rowId, [row.packed.number, row.inc, where, ...packed])
}

/**
 * Writes rows as data format 1 stores them (`{ i, p, c }`, cells by column id), as a client of
 * that format does: their later edits through the API stay in format 1 (S127).
 */
export function writeFormatOneRows(
  doc: Y.Doc,
  rows: readonly { id: string; position: string; cells: Record<string, unknown> }[],
): void {
  doc.transact(() => {
    rows.forEach(({ id, position, cells }, index) => {
      tableMaps(doc).rows.set(id, { i: 1000 + index, p: position, c: cells })
    })
  })
}

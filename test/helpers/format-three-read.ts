// Reads data format 3 rows from a doc with plain Yjs, as every reader of the table reads them (an
// override of the row's life wins over its first value, a missing value reads as not written),
// for tests of the server's checks and of the reclaim, beside the table's own readers.
import * as Y from 'yjs'
import { looseKey, maxPackedSlot, packedKey, positionKey, tableMaps } from '../../src/layout.js'
import { createRowShapes } from '../../src/row-shapes.js'
import { readValues, valuesOf } from '../../src/values-array.js'
import { valuesPlaceOf } from '../../src/values-row.js'

/** A format 3 row as readers see it: cells by column id (unwritten ones absent) and position. */
export interface ReadRow {
  readonly position: string
  readonly cells: Record<string, unknown>
}

const isPlain = (value: unknown): boolean =>
  value !== undefined && !(value instanceof Y.AbstractType)

/** Row `id` of `doc` when it is a format 3 row; undefined otherwise. */
export function readFormatThreeRow(doc: Y.Doc, id: string): ReadRow | undefined {
  const maps = tableMaps(doc)
  const place = valuesPlaceOf(maps.rows.get(id), createRowShapes(maps))
  if (place === undefined) return undefined
  const { ids } = place.shapeOf
  const values = readValues(valuesOf(doc), place.client, place.clock, ids.length) ?? []
  const cells: Record<string, unknown> = {}
  ids.forEach((columnId, slot) => {
    const key =
      slot < maxPackedSlot ? packedKey(place.inc, slot + 1) : looseKey(place.inc, columnId)
    const override: unknown = maps.overrides.get(key)
    const value = isPlain(override) ? override : values[slot]
    if (value !== undefined) cells[columnId] = value
  })
  const moved: unknown = maps.overrides.get(positionKey(place.inc))
  return { position: typeof moved === 'string' ? moved : place.position, cells }
}

/** Every format 3 row of `doc` by id (rows of other formats are left out). */
export function readFormatThreeRows(doc: Y.Doc): Record<string, ReadRow> {
  const rows: Record<string, ReadRow> = {}
  for (const id of tableMaps(doc).rows.keys()) {
    const row = readFormatThreeRow(doc, id)
    if (row !== undefined) rows[id] = row
  }
  return rows
}

/** The cells of every live format 3 row of `doc` by row id, in its shape's order. */
export function formatThreeCells(doc: Y.Doc): Record<string, unknown[]> {
  const maps = tableMaps(doc)
  const shapes = createRowShapes(maps)
  const read: Record<string, unknown[]> = {}
  for (const [id, row] of Object.entries(readFormatThreeRows(doc))) {
    const { ids } = valuesPlaceOf(maps.rows.get(id), shapes)!.shapeOf
    read[id] = ids.map((columnId) => row.cells[columnId])
  }
  return read
}

/** How many live plain values `doc`'s values array holds. */
export const liveValues = (doc: Y.Doc): number => valuesOf(doc).length

/** Writes an override of cell `slot` (0-based) of the life `inc`, as an edit of that cell does. */
export function writeFormatThreeCell(doc: Y.Doc, inc: string, slot: number, value: unknown): void {
  tableMaps(doc).overrides.set(packedKey(inc, slot + 1), value)
}

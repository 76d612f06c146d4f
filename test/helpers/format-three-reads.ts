// Reads format 3 rows with plain Yjs, as every reader of the table reads them (an override of the
// row's life wins over its first value, a missing value reads as not written): for tests of the
// reclaim of first values, before and beside the table's own readers.
import * as Y from 'yjs'
import { looseKey, maxPackedSlot, packedKey, tableMaps } from '../../src/layout.js'
import { createRowShapes } from '../../src/row-shapes.js'
import { readValues, valuesOf, valuesRowOf } from '../../src/values-array.js'

/** The cells of every live format 3 row of `doc` by row id, in its shape's order. */
export function formatThreeCells(doc: Y.Doc): Record<string, unknown[]> {
  const maps = tableMaps(doc)
  const shapes = createRowShapes(maps)
  const read: Record<string, unknown[]> = {}
  for (const [id, value] of maps.rows.entries()) {
    const parts = valuesRowOf(value)
    const shape = parts === undefined ? undefined : shapes.of(parts.shape, parts.inc)
    if (parts === undefined || shape === undefined) continue
    const first = readValues(valuesOf(doc), parts.client, parts.clock, shape.ids.length)
    read[id] = shape.ids.map((columnId, slot) => {
      const key =
        slot < maxPackedSlot ? packedKey(parts.inc, slot + 1) : looseKey(parts.inc, columnId)
      const override: unknown = maps.overrides.get(key)
      return override !== undefined && !(override instanceof Y.AbstractType)
        ? override
        : first?.[slot]
    })
  }
  return read
}

/** How many values of `v` are live (not deleted). */
export const liveValues = (doc: Y.Doc): number => valuesOf(doc).length

/** Writes an override of cell `slot` (0-based) of the life `inc`, as an edit of that cell does. */
export function writeFormatThreeCell(doc: Y.Doc, inc: string, slot: number, value: unknown): void {
  tableMaps(doc).overrides.set(packedKey(inc, slot + 1), value)
}

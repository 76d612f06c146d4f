// Writes rows of data format 3 (src/values-array.ts) with plain Yjs, the way its writer does and
// the way a foreign writer could: the batch's first values appended to `v` in one item, then one
// row value per row naming its values by their distance in clocks. For tests of format 3's
// readers, the server's checks and the reclaim, before and beside the table's own writer.
import * as Y from 'yjs'
import type { ColumnId } from '../../src/ids.js'
import { incarnationOf } from '../../src/incarnation.js'
import { tableMaps } from '../../src/layout.js'
import { positionsAfter } from '../../src/row-order.js'
import { createRowShapes } from '../../src/row-shapes.js'
import { valuesOf, valuesRow } from '../../src/values-array.js'

/** One row to write: its id and its cells in the batch's column order. */
export interface RawRow {
  readonly id: string
  readonly cells: readonly unknown[]
}

/**
 * Writes `rows` in one transaction of `doc` as format 3 rows of the shape `columns` (registered
 * under the doc's client when new), each at a position after the last one given; raises
 * `meta.formatVersion` to 3. Returns the incarnation of each row.
 */
export function writeRawFormatThreeRows(
  doc: Y.Doc,
  columns: readonly string[],
  rows: readonly RawRow[],
  after: string | null = null,
): string[] {
  const maps = tableMaps(doc)
  const incs: string[] = []
  doc.transact(() => {
    if (maps.meta.get('formatVersion') !== 3) maps.meta.set('formatVersion', 3)
    const shape = createRowShapes(maps).numberFor(doc.clientID, columns as ColumnId[])
    const first = Y.getState(doc.store, doc.clientID)
    valuesOf(doc).push(rows.flatMap((row) => row.cells))
    const positions = positionsAfter(after, rows.length)
    rows.forEach((row, index) => {
      const clock = Y.getState(doc.store, doc.clientID)
      const inc = incarnationOf(doc.clientID, clock)
      maps.rows.set(
        row.id,
        valuesRow(shape, inc, positions[index]!, clock - (first + index * columns.length)),
      )
      incs.push(inc)
    })
  })
  return incs
}

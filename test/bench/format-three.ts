// Data format 3 as a benchmark layout (docs/benchmarks.md, "Data format 3"), written with the raw
// helper until the table's writer writes it: rows inserted in chunks of 100 (one values item
// each), cell edits as overrides, and the server's reclaims (S129, S291) run to their end.
import * as Y from 'yjs'
import type { ColumnId } from '../../src/ids.js'
import { packedKey, tableMaps } from '../../src/layout.js'
import { reclaimDeadOverrides } from '../../src/reclaim.js'
import { createValuesReclaim } from '../../src/values-reclaim.js'
import { formatThreeCells } from '../helpers/format-three-read.js'
import { writeRawFormatThreeRows } from '../helpers/raw-format-three.js'
import { columnIds, tableOf, type Layout } from './layouts.js'

/** Rows of one chunk: one item of first values each (the writer's chunk, the brief's format). */
const chunkRows = 100

/** Each doc's column ids (the table's, in the workload's order) and each row's life. */
const docs = new WeakMap<Y.Doc, { ids: ColumnId[]; lives: Map<string, string> }>()
const stateOf = (doc: Y.Doc) => docs.get(doc)!

export const formatThree: Layout = {
  key: 'format3',
  name: 'format 3 (raw helper), reclaimed',
  isPeer: false,
  open(doc) {
    // The schema as Tessera writes it; the table itself is not kept (it reads formats 1 and 2).
    const table = tableOf(doc)
    const byName = new Map(table.columns().map((column) => [column.name, column.id]))
    docs.set(doc, { ids: columnIds.map((name) => byName.get(name)!), lives: new Map() })
    table.destroy()
  },
  insert(doc, ids, rows) {
    const { ids: columns, lives } = stateOf(doc)
    doc.transact(() => {
      let after: string | null = null
      for (let first = 0; first < ids.length; first += chunkRows) {
        const chunk = ids.slice(first, first + chunkRows).map((id, offset) => ({
          id,
          cells: columnIds.map((name) => rows[first + offset]![name]),
        }))
        const incs = writeRawFormatThreeRows(doc, columns, chunk, after)
        chunk.forEach((row, offset) => lives.set(row.id, incs[offset]!))
        after = (tableMaps(doc).rows.get(chunk.at(-1)!.id) as { p: string }).p
      }
    })
  },
  setCell(doc, id, column, value) {
    const inc = stateOf(doc).lives.get(id)!
    tableMaps(doc).overrides.set(packedKey(inc, columnIds.indexOf(column) + 1), value)
  },
  getCell: (doc, id, column) => formatThreeCells(doc)[id]?.[columnIds.indexOf(column)],
  deleteRows(doc, ids) {
    doc.transact(() => {
      for (const id of ids) tableMaps(doc).rows.delete(id)
    })
  },
  size: (doc) => Object.keys(formatThreeCells(doc)).length,
  watch: () => () => new Set(),
}

/**
 * Runs the server's reclaims to their end, a piece at a time as after compactions; returns the
 * values deleted and each piece's time (ms).
 */
export function reclaimAll(doc: Y.Doc, pieceUnits?: number): { deleted: number; pieces: number[] } {
  reclaimDeadOverrides(tableMaps(doc), 'reclaim')
  const reclaim = createValuesReclaim(doc, pieceUnits === undefined ? {} : { pieceUnits })
  const pieces: number[] = []
  let deleted = 0
  do {
    const start = performance.now()
    deleted += reclaim.step('reclaim')
    pieces.push(performance.now() - start)
  } while (reclaim.isRunning)
  return { deleted, pieces }
}

/**
 * The reclaim of a `rowCount`-row format 3 table (10 columns) after each row was rewritten once:
 * every cell (all first values dead, runs as long as a chunk), or one cell a row (a run a row,
 * the most Yjs splits). Per case: values deleted, pieces, the longest piece and their sum (ms).
 */
export function reclaimTimes(rowCount: number, rowOf: (row: number) => Record<string, unknown>) {
  const ids = Array.from({ length: rowCount }, (_, index) => `row-${index.toString(36)}`)
  const cases = [
    { name: 'every cell of each row rewritten once', columns: columnIds },
    { name: 'one cell of each row rewritten once', columns: [columnIds[3]!] },
  ]
  return cases.map(({ name, columns }) => {
    const doc = new Y.Doc()
    formatThree.open(doc)
    formatThree.insert(
      doc,
      ids,
      ids.map((_, index) => rowOf(index)),
    )
    for (let first = 0; first < rowCount; first += 1000) {
      doc.transact(() => {
        for (let index = first; index < Math.min(rowCount, first + 1000); index++) {
          const values = rowOf(index + rowCount)
          for (const column of columns)
            formatThree.setCell(doc, ids[index]!, column, values[column])
        }
      })
    }
    const { deleted, pieces } = reclaimAll(doc)
    const sorted = [...pieces].sort((a, b) => a - b)
    return [
      name,
      deleted.toLocaleString('en'),
      pieces.length,
      sorted.at(-1)!.toFixed(1),
      sorted[Math.floor(sorted.length / 2)]!.toFixed(1),
      pieces.reduce((sum, ms) => sum + ms, 0).toFixed(0),
    ]
  })
}

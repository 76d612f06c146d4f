// Rows read straight from a table's Y.Doc for partial sync: only the columns a query needs, no
// per-row state built up front (a Table reads every row when it opens), and one change per Yjs
// transaction naming the rows it touched. A QuerySource, so live-query indexes run over it.
import type * as Y from 'yjs'
import { createColumns } from '../columns.js'
import type { ColumnId, RowId } from '../ids.js'
import { tableMaps, type TableMaps } from '../layout.js'
import { notifyAll } from '../notify.js'
import type { QuerySource } from '../query/matching-rows.js'
import type { Row, TableChange } from '../row.js'
import type { Position } from '../row-order.js'
import type { CellValue, Column } from '../schema.js'
import type { WindowRow } from '../wire/window-messages.js'
import { createWindowLayout, positionOf, rowItemIdOf, type StoredRowItem } from './window-layout.js'

/** A table's rows as partial sync reads them. */
export interface DocRows extends QuerySource {
  readonly doc: Y.Doc
  /** Every column id ever made (removed ones too). */
  allColumnIds(): readonly ColumnId[]
  /** Reads only the named columns of a row (all visible ones without `names`). */
  getRow(id: RowId, names?: ReadonlySet<string>): Row | undefined
  /** Calls `visit` with every live row, reading only the named columns (one pass, no sort). */
  forEachRow(names: ReadonlySet<string>, visit: (row: Row, position: Position) => void): void
  /**
   * The same pass in steps: each call visits up to `count` more rows and returns false once all
   * were visited. Rows written meanwhile may be missed or seen twice: read them again.
   */
  rowCursor(
    names: ReadonlySet<string>,
  ): (count: number, visit: (row: Row, position: Position) => void) => boolean
  /** The greatest position of any row seen so far ("" for none): appends go after it. */
  maxPosition(): Position
  /** A row as a window message carries it: values of `columns` in order, and its Yjs ids. */
  windowRowOf(id: RowId, columns: readonly Column[]): WindowRow | undefined
  /** Stops following the doc. */
  destroy(): void
}

/** Reads the table in `doc`; follows its transactions until `destroy`. */
export function createDocRows(doc: Y.Doc): DocRows {
  const maps = tableMaps(doc)
  const columns = createColumns(maps)
  const layout = createWindowLayout(maps)
  const handlers = new Set<(change: TableChange) => void>()
  let maxPosition: Position | undefined

  const readRow = (row: StoredRowItem, list: readonly Column[]): Row => {
    const values: Record<string, CellValue> = { id: row.state.id }
    for (const column of list) values[column.name] = layout.cellOf(row, column)
    return values as Row
  }
  const columnsNamed = (names: ReadonlySet<string> | undefined): readonly Column[] =>
    names === undefined ? columns.list() : columns.list().filter(({ name }) => names.has(name))
  const raise = (position: Position): void => {
    if (maxPosition !== undefined && position > maxPosition) maxPosition = position
  }
  const forEachStoredRow = (visit: (row: StoredRowItem) => void): void => {
    layout.cursor()(Infinity, visit)
  }

  const onTransaction = (transaction: Y.Transaction): void => {
    const touched = layout.touchedRows(transaction)
    const schemaChanged = isSchemaChange(transaction, maps)
    if (schemaChanged) columns.invalidate()
    if (touched.size === 0 && !schemaChanged) return
    for (const id of touched) {
      const row = layout.rowOf(id)
      if (row !== undefined) raise(positionOf(row))
    }
    const updated = new Map<RowId, ReadonlySet<ColumnId>>()
    for (const id of touched) updated.set(id, new Set())
    const empty = new Set<RowId>()
    const change: TableChange = {
      source: transaction.local ? 'local' : 'remote',
      origin: transaction.origin,
      added: empty,
      deleted: empty,
      updated,
      moved: empty,
      schemaChanged,
    }
    notifyAll(handlers, change)
  }
  doc.on('afterTransaction', onTransaction)

  return {
    doc,
    columns: () => columns.list(),
    allColumnIds: () => columns.allIds(),
    rowIds() {
      const ids: RowId[] = []
      forEachStoredRow((row) => ids.push(row.state.id))
      return ids
    },
    getRow(id, names) {
      const row = layout.rowOf(id)
      return row === undefined ? undefined : readRow(row, columnsNamed(names))
    },
    getPosition(id) {
      return layout.rowOf(id)?.state.position
    },
    forEachRow(names, visit) {
      const list = columnsNamed(names)
      let max = ''
      forEachStoredRow((row) => {
        const position = positionOf(row)
        if (position > max) max = position
        visit(readRow(row, list), position)
      })
      if (maxPosition === undefined || max > maxPosition) maxPosition = max
    },
    rowCursor(names) {
      const list = columnsNamed(names)
      const cursor = layout.cursor()
      return (count, visit) =>
        cursor(count, (row) => {
          visit(readRow(row, list), positionOf(row))
        })
    },
    maxPosition() {
      if (maxPosition === undefined) {
        let max = ''
        forEachStoredRow((row) => {
          const position = positionOf(row)
          if (position > max) max = position
        })
        maxPosition = max
      }
      return maxPosition
    },
    windowRowOf(id, list) {
      const row = layout.rowOf(id)
      if (row === undefined) return undefined
      return {
        id,
        item: rowItemIdOf(row),
        incarnation: row.state.inc,
        position: positionOf(row),
        keys: layout.keyRefsOf(row, columns.allIds()),
        slots: layout.slotsOf(row, list),
        values: list.map((column) => layout.cellOf(row, column)),
      }
    },
    on(_event, handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    destroy() {
      doc.off('afterTransaction', onTransaction)
      handlers.clear()
    },
  }
}

/** True when a transaction changed the columns map or a column's fields. */
function isSchemaChange(transaction: Y.Transaction, maps: TableMaps): boolean {
  for (const type of transaction.changed.keys()) {
    if ((type as unknown) === maps.columns || type._item?.parent === maps.columns) return true
  }
  return false
}

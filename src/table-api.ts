// The table's public types: what `createTable` returns and takes. Kept apart from the
// implementation in table.ts; the query folder never imports this file (it reads a table
// through its own QuerySource), so the table can use queries without an import cycle.
import type * as Y from 'yjs'
import type { RowId } from './ids.js'
import type { LiveQuery } from './query/live-query.js'
import type { Query } from './query/query.js'
import type { Row, RowInput, TableChange } from './row.js'
import type { Position } from './row-order.js'
import type { CellInput, CellValue, Column, ColumnType } from './schema.js'

/** What `addColumn` takes. */
export interface ColumnInput {
  name: string
  type: ColumnType
  /** Value of cells never set; default null. */
  default?: CellInput
  /** A stable id; default: the name, or the name with a random suffix when that id was used before. */
  id?: string
}

/** Where to place a column or a row: before or after another one (default: at the end). */
export interface Placement<T = string> {
  before?: T
  after?: T
}

export interface TableOptions {
  /** The document to wrap (one that a provider syncs); default: a new Y.Doc. */
  doc?: Y.Doc
  /** Columns to ensure: each one whose name is missing is added, in this order. */
  columns?: readonly ColumnInput[]
  /** The table's name, written to the doc's metadata when it has none. */
  name?: string
}

/** What a write method changes: rows (insert, update, delete) or the schema. */
export type WriteKind = 'insert' | 'update' | 'delete' | 'schema'

/**
 * Consulted by every write method before it touches the doc; throws (FORBIDDEN) to refuse.
 * `where` names the method, for the error message.
 */
export type WriteGuard = (kind: WriteKind, where: string) => void

export interface InsertOptions extends Placement {
  /** The row's id; default: a new collision-resistant id. An existing id updates that row. */
  id?: string
}

export interface Table {
  /** The Y.Doc holding the table: what a provider syncs and a store persists. */
  readonly doc: Y.Doc
  /** The transaction origin of this table's own edits (what an UndoManager should track). */
  readonly origin: object
  readonly name: string | undefined
  /** The number of rows. */
  readonly size: number
  columns(): readonly Column[]
  getColumn(name: string): Column | undefined
  addColumn(column: ColumnInput, placement?: Placement): Column
  renameColumn(name: string, newName: string): void
  removeColumn(name: string): void
  setColumnType(name: string, type: ColumnType): void
  setColumnDefault(name: string, value: CellInput): void
  moveColumn(name: string, placement: Placement): void
  insertRow(cells?: RowInput, options?: InsertOptions): RowId
  insertRows(rows: readonly RowInput[], placement?: Placement): RowId[]
  setRow(id: string, cells: RowInput): void
  updateRow(id: string, cells: RowInput): void
  getRow(id: string): Row | undefined
  hasRow(id: string): boolean
  deleteRow(id: string): boolean
  deleteRows(ids: Iterable<string>): number
  moveRow(id: string, placement: Placement): void
  getCell(id: string, column: string): CellValue | undefined
  setCell(id: string, column: string, value: CellInput): void
  /** The row's manual-order position, or undefined when the row does not exist. */
  getPosition(id: string): Position | undefined
  rowIds(): RowId[]
  listRows(): Row[]
  transact<T>(edit: () => T): T
  /**
   * Sets (or with undefined, clears) the check every write method runs before touching the doc,
   * e.g. the connection's permissions (docs/semantics.md S58). Direct doc writes bypass it.
   */
  setWriteGuard(guard: WriteGuard | undefined): void
  on(event: 'change', handler: (change: TableChange) => void): () => void
  /**
   * Runs a query from scratch and returns the window of rows it asks for (docs/queries.md).
   * @throws INVALID_QUERY naming the path of what is wrong
   */
  query(query: Query): Row[]
  /**
   * Runs a query and keeps its result up to date, one diff per transaction (docs/queries.md).
   * @throws INVALID_QUERY naming the path of what is wrong
   */
  liveQuery(query: Query): LiveQuery
  toJSON(): { name: string | undefined; columns: Column[]; rows: Row[] }
  destroy(): void
}

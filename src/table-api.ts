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

/** What `createTable` takes; every key is optional and unknown keys are refused. */
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

/** Where `insertRow` puts the row (default: at the end of the manual order), and its id. */
export interface InsertOptions extends Placement {
  /** The row's id; default: a new collision-resistant id. An existing id updates that row. */
  id?: string
}

/**
 * One collaborative table: rows of typed cells over a Y.Doc, merged cell by cell with every
 * replica (docs/semantics.md). Every write method checks its input and the write guard first,
 * then writes in one transaction; inside `transact`, all of them form one.
 */
export interface Table {
  /** The Y.Doc holding the table: what a provider syncs and a store persists. */
  readonly doc: Y.Doc
  /** The transaction origin of this table's own edits (what an UndoManager should track). */
  readonly origin: object
  /** The name in the doc's metadata (TableOptions.name), if any. */
  readonly name: string | undefined
  /** The number of rows. */
  readonly size: number
  /** The visible columns in display order (S13 for duplicate names). */
  columns(): readonly Column[]
  getColumn(name: string): Column | undefined
  /**
   * Adds a column at the end, or before or after another one.
   * @throws INVALID_ARGUMENT for a bad or taken name or id; SCHEMA_VIOLATION for a default of
   *   the wrong type
   */
  addColumn(column: ColumnInput, placement?: Placement): Column
  /** @throws COLUMN_NOT_FOUND; INVALID_ARGUMENT when `newName` is taken or invalid */
  renameColumn(name: string, newName: string): void
  /** Hides the column and its cells for good (S12). @throws COLUMN_NOT_FOUND */
  removeColumn(name: string): void
  /** Changes how the column's cells are read (S15); stored values stay. @throws COLUMN_NOT_FOUND */
  setColumnType(name: string, type: ColumnType): void
  /** The value of cells never written (S14). @throws COLUMN_NOT_FOUND, SCHEMA_VIOLATION */
  setColumnDefault(name: string, value: CellInput): void
  /** @throws COLUMN_NOT_FOUND for the column or the anchor */
  moveColumn(name: string, placement: Placement): void
  /** Columns removed (hidden) with their data kept, by id and last name (S113). */
  removedColumns(): { id: string; name: string }[]
  /**
   * Shows a removed column again with every value it held (S113); `column` is its id, or its
   * name when one removed column has it.
   * @throws COLUMN_NOT_FOUND when no removed column matches
   */
  restoreColumn(column: string): void
  /** The greatest migration version applied to this table (0: none), docs/formats.md. */
  readonly schemaVersion: number
  /**
   * Runs `change` as migration `version` once per table: skipped (false) when the table's schema
   * version is already at or past it; otherwise one transaction that also records the version.
   * `change` may not delete rows (FORBIDDEN): migrations never erase data (S112).
   * @example
   * table.migrate(2, (t) => { t.addColumn({ id: 'priority', name: 'priority', type: 'number', default: 0 }) })
   */
  migrate(version: number, change: (table: Table) => void): boolean
  /**
   * Inserts a row and returns its id; an id the table has updates that row instead (S4).
   * @throws INVALID_ARGUMENT, COLUMN_NOT_FOUND, SCHEMA_VIOLATION; ROW_NOT_FOUND for the anchor
   */
  insertRow(cells?: RowInput, options?: InsertOptions): RowId
  /** Inserts (or, for known ids, updates) rows in one transaction, in order, at one place. */
  insertRows(rows: readonly RowInput[], placement?: Placement): RowId[]
  /** Writes the named cells of the row with this id, inserting it when missing (upsert). */
  setRow(id: string, cells: RowInput): void
  /** Writes the named cells of an existing row. @throws ROW_NOT_FOUND, SCHEMA_VIOLATION */
  updateRow(id: string, cells: RowInput): void
  /** The row as every reader sees it: id plus one value per visible column. */
  getRow(id: string): Row | undefined
  hasRow(id: string): boolean
  /** Deletes the row (S3: a delete wins); false when there was none. */
  deleteRow(id: string): boolean
  /** Deletes the rows that exist, in one transaction; returns how many. */
  deleteRows(ids: Iterable<string>): number
  /** Moves the row before or after another in the manual order (S5). @throws ROW_NOT_FOUND */
  moveRow(id: string, placement: Placement): void
  /** One cell's value, or undefined when the row does not exist. @throws COLUMN_NOT_FOUND */
  getCell(id: string, column: string): CellValue | undefined
  /** @throws ROW_NOT_FOUND, COLUMN_NOT_FOUND, SCHEMA_VIOLATION */
  setCell(id: string, column: string, value: CellInput): void
  /** The row's manual-order position, or undefined when the row does not exist. */
  getPosition(id: string): Position | undefined
  /** The row ids in manual order. */
  rowIds(): RowId[]
  /** The rows in manual order. */
  listRows(): Row[]
  /** Runs `edit` as one transaction: one update, one change event, one diff per live query (S17). */
  transact<T>(edit: () => T): T
  /**
   * Sets (or with undefined, clears) the check every write method runs before touching the doc,
   * e.g. the connection's permissions (docs/semantics.md S58). Direct doc writes bypass it.
   */
  setWriteGuard(guard: WriteGuard | undefined): void
  /** Calls `handler` with one TableChange per transaction that changed rows or columns (S17). */
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
  /** The name, the columns and the rows in manual order, as plain data. */
  toJSON(): { name: string | undefined; columns: Column[]; rows: Row[] }
  /** Stops listening to the doc and drops the change handlers; the doc stays as it is. */
  destroy(): void
}

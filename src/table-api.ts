// The table's public types: what `createTable` returns and takes. Kept apart from the
// implementation in table.ts, which re-exports them.
import type * as Y from 'yjs'
import type { ColumnInput, Placement } from './columns.js'
import type { RowId } from './ids.js'
import type { LiveQuery } from './live-query.js'
import type { Query } from './query.js'
import type { TableChange } from './row-state.js'
import type { Position } from './row-order.js'
import type { CellInput, CellValue, Column, ColumnType } from './schema.js'

/** A row as the API reads it: its id and one value per visible column, keyed by column name. */
export type Row = { readonly id: RowId } & { readonly [column: string]: CellValue }

/** Cells to write, keyed by column name. An `id` key names the row (for inserts). */
export type RowInput = { readonly [column: string]: CellInput }

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

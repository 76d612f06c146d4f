// The public types of rows and of row changes. They sit below both the table and the query
// folder, so that each can use them without importing the other.
import type { ColumnId, RowId } from './ids.js'
import type { CellInput, CellValue } from './schema.js'

/** A row as the API reads it: its id and one value per visible column, keyed by column name. */
export type Row = { readonly id: RowId } & { readonly [column: string]: CellValue }

/** Cells to write, keyed by column name. An `id` key names the row (for inserts). */
export type RowInput = { readonly [column: string]: CellInput }

/** Where a change came from: this replica's own edit, another replica, or an undo/redo. */
export type ChangeSource = 'local' | 'remote' | 'undo'

/** What one Yjs transaction did to a table; the `change` event carries one per transaction. */
export interface TableChange {
  readonly source: ChangeSource
  /** The Yjs transaction origin (a provider, an UndoManager, the table itself...). */
  readonly origin: unknown
  readonly added: ReadonlySet<RowId>
  readonly deleted: ReadonlySet<RowId>
  /**
   * Rows that existed before and after, with the ids of the columns whose cells were written
   * (S17: a merged concurrent write that lost is not listed).
   */
  readonly updated: ReadonlyMap<RowId, ReadonlySet<ColumnId>>
  /** Rows whose manual-order position changed. */
  readonly moved: ReadonlySet<RowId>
  /** True when a column was added, removed, renamed, retyped, moved or given a new default. */
  readonly schemaChanged: boolean
}

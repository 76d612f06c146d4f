// The types the server's update checks share (docs/semantics.md S80–S87): what a check
// refused, what an accepted update did, and the context of one check. Types only.
import type * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import type { TableMaps } from './layout.js'
import type { TablePermissions } from './permissions.js'
import type { RowShapes } from './row-shapes.js'

/** Something an update tried that was undone; sent back to the writer. */
export interface Violation {
  code: 'SCHEMA_VIOLATION' | 'FORBIDDEN'
  message: string
  rowId?: RowId
  columnId?: ColumnId
}

/** What an accepted update did, for the audit log: rows inserted, updated (with columns), deleted, moved. */
export interface AppliedUpdate {
  violations: Violation[]
  inserted: RowId[]
  updated: Map<RowId, Set<ColumnId>>
  deleted: RowId[]
  /** Rows of an earlier update whose position changed (S86). */
  moved: RowId[]
  schemaChanged: boolean
  /**
   * True when the checks wrote or deleted anything (every violation, and edits dropped silently
   * because their row was deleted or replaced first, S85): the writer needs the correction too.
   */
  isCorrected: boolean
  /**
   * True when the update depends on changes the document lacks: Yjs keeps it pending until they
   * arrive. A well-behaved client never sends one after the sync handshake.
   */
  isIncomplete: boolean
}

/** What the checks of one update share. */
export interface CheckContext {
  readonly transaction: Y.Transaction
  readonly maps: TableMaps
  /** Data format 3's values array (values-array.ts). */
  readonly values: Y.Array<unknown>
  /** The shapes of packed rows (read only: the checks never register one). */
  readonly shapes: RowShapes
  readonly permissions: TablePermissions
  /** The table's name: the one metadata value a writer without admin may fill in. */
  readonly tableName: string | undefined
  readonly result: AppliedUpdate
}

/**
 * The public API of the core (`tessera`): an explicit list. Isomorphic (no DOM, no Node APIs);
 * its packages are yjs, lib0, y-protocols and fractional-indexing. client/ and server/ also use
 * internal.ts.
 * @module tessera
 */
export { createTable } from './table.js'
export type {
  Table,
  TableOptions,
  InsertOptions,
  ColumnInput,
  Placement,
  WriteGuard,
  WriteKind,
} from './table-api.js'
export type { Row, RowInput, TableChange, ChangeSource } from './row.js'
export type { Column, ColumnType, CellValue, CellInput, JsonValue } from './schema.js'
export type { RowId, ColumnId } from './ids.js'
export type { Position } from './row-order.js'
export { TesseraError, isTesseraError } from './errors.js'
export { checkTableName, maxTableNameLength, tableNameRule } from './table-name.js'
export type { ErrorCode } from './errors.js'
export type { Query, Where, Operators, OrderByInput, ComparisonOperator } from './query/query.js'
export type { LiveQuery, QueryWindow } from './query/live-query.js'
export { applyDiff } from './query/window-diff.js'
export type { LiveQueryDiff, DiffSource, WindowChanges } from './query/window-diff.js'
export { createConflicts } from './conflicts.js'
export type { Conflict, Conflicts, ConflictsOptions } from './conflicts.js'
export { createMemoryStore } from './ports/memory-store.js'
export { applySnapshot } from './snapshot.js'
export type {
  AppendOptions,
  CompactOptions,
  DeleteOptions,
  LoadOptions,
  LoggedUpdate,
  NewUpdate,
  SnapshotInfo,
  Store,
  StoredTable,
} from './ports/store.js'
export type { Right, TablePermissions } from './permissions.js'

// The public API of the core: an explicit list. Isomorphic; depends on yjs, lib0 and y-protocols only.
export { createTable } from './table.js'
export type { Table, TableOptions, InsertOptions, Row, RowInput } from './table.js'
export type { ColumnInput, Placement } from './columns.js'
export type { TableChange, ChangeSource } from './row-state.js'
export { TesseraError, isTesseraError, errorCodes } from './errors.js'
export type { ErrorCode } from './errors.js'
export { createRowId } from './ids.js'
export type { RowId, ColumnId } from './ids.js'
export { columnTypes, normalizeCell, readCell, fitsType } from './schema.js'
export type { Column, ColumnType, CellValue, CellInput, JsonValue } from './schema.js'
export { comparePositions, positionBetween } from './row-order.js'
export type { Position } from './row-order.js'
export { createOrderedIndex, stringPrefix } from './ordered-index.js'
export type { KeyPrefix, OrderedIndex, OrderedIndexOptions } from './ordered-index.js'
export {
  MessageType,
  encodeMessage,
  decodeMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeAwarenessStates,
} from './wire/messages.js'
export type { WireMessage, WireMessageType } from './wire/messages.js'
export type { TablePermissions } from './wire/permissions.js'
export { CloseCode, closeCodeOf, closeMeaningOf, cutCloseReason } from './wire/close-codes.js'
export type { CloseMeaning } from './wire/close-codes.js'
export { remoteContent } from './row-state.js'
export type { WriteKind, WriteGuard } from './table.js'
export { createConflicts } from './conflicts.js'
export type { Conflict, Conflicts, ConflictsOptions } from './conflicts.js'
export type { LoadOptions, Store, StoredTable } from './ports/store.js'
export { createMemoryStore } from './ports/memory-store.js'
export type { Transport, TransportClose, TransportEvents } from './ports/transport.js'
export { createTransportBase } from './ports/transport-base.js'
export type { TransportBase, TransportChannel } from './ports/transport-base.js'
export { createMemoryTransportPair } from './ports/memory-transport.js'
export type { MemoryTransportPair, MemoryTransportOptions } from './ports/memory-transport.js'
export { applyChecked, allowEverything } from './validation.js'
export type { WritePermissions, Violation, AppliedUpdate } from './validation.js'
export { parseQuery, operatorsByType, maxQueryDepth } from './query.js'
export type {
  Query,
  Where,
  Operators,
  OrderByInput,
  ComparisonOperator,
  ParsedQuery,
  Condition,
  TestCondition,
  SortKey,
  QueryColumn,
} from './query.js'
export { evaluateQuery, matchesCondition, projectRow } from './query-match.js'
export { createLiveQuery } from './live-query.js'
export type { LiveQuery, QueryWindow } from './live-query.js'
export { applyDiff } from './window-diff.js'
export type { LiveQueryDiff, DiffSource, WindowChanges } from './window-diff.js'

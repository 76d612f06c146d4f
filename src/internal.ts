// The core's internal entry: what client/ and server/ use besides the public API (index.ts).
// Not in package.json "exports", so users cannot import it; its names may change at any time.
export { errorCodes } from './errors.js'
export { createRowId } from './ids.js'
export { columnTypes } from './schema.js'
export {
  MessageType,
  encodeMessage,
  decodeMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  isSyncStep2,
  encodeAwarenessStates,
} from './wire/messages.js'
export type { WireMessage, WireMessageType } from './wire/messages.js'
export { CloseCode, closeCodeOf, closeMeaningOf, cutCloseReason } from './wire/close-codes.js'
export type { CloseMeaning } from './wire/close-codes.js'
export type { Transport, TransportClose, TransportEvents } from './ports/transport.js'
export { createTransportBase } from './ports/transport-base.js'
export type { TransportBase, TransportChannel } from './ports/transport-base.js'
export { createMemoryTransportPair } from './ports/memory-transport.js'
export type { MemoryTransportPair, MemoryTransportOptions } from './ports/memory-transport.js'
export { remoteContent } from './row-state.js'
export { applyChecked } from './validation.js'
export { reclaimDeadOverrides } from './reclaim.js'
export { createValuesReclaim } from './values-reclaim.js'
export type { ValuesReclaim } from './values-reclaim.js'
export { recordedCells, recordStep, writeBack } from './undo-values.js'
export type { RecordedRow, RecordedStep } from './undo-values.js'
export { noteWritten, repairRestored, touchedRows } from './undo-late.js'
export type { RestoredRow } from './undo-late.js'
export type { RowState } from './stored-row.js'
export { tableMaps } from './layout.js'
export type { Violation, AppliedUpdate } from './validation.js'
export {
  rights,
  rightKeys,
  grant,
  allPermissions,
  noPermissions,
  allows,
  canWriteAnything,
  canWriteEverything,
  rightsOf,
  isSamePermissions,
  verbOf,
} from './permissions.js'
export type { Right, Operation, TablePermissions } from './permissions.js'
export { parseQuery } from './query/parse-query.js'
export { evaluateQuery } from './query/query-match.js'
export { loadDocAt, replayStart, forEachLogged, historyStartMs } from './history.js'
export type { ReplayStart } from './history.js'
export { planCompaction } from './history-retention.js'
export type { CompactionInput, CompactionPlan } from './history-retention.js'
export { readRowHistory, restoreMetaKey } from './row-history.js'
export type { RowHistoryEntry, RowHistoryOptions } from './row-history.js'
export { sliceUpdate } from './wire/update-slices.js'
export { diffColumns } from './column-diff.js'
export type { ColumnChange } from './column-diff.js'
export { restoreFrom, restoreOperations } from './restore.js'
export type { RestoreScope, RestoreSummary } from './restore.js'
export { copyHistoryUntil } from './history-copy.js'
export {
  encodeSnapshot,
  isV1Snapshot,
  snapshotHeaderLength,
  snapshotTagLength,
  snapshotTagOf,
  snapshotV2Format,
  tagV2Snapshot,
} from './snapshot.js'
export type { CopiedTable } from './history-copy.js'
export {
  encodeCsvField,
  encodeCsvRecord,
  formatCsvCell,
  parseCsvCell,
  inferColumnType,
} from './csv-values.js'
export type { CsvCell } from './csv-values.js'
export { encodeMapUpdate } from './window/map-update.js'
export type { MapSet } from './window/map-update.js'
export {
  createWindowLayout,
  positionOf,
  rowItemIdOf,
  overrideSet,
  rowDeletes,
  rowSet,
  newIncarnation,
} from './window/window-layout.js'
export type { StoredRowItem, WindowLayout, WritableRow } from './window/window-layout.js'
export type {
  ItemId,
  KeyRef,
  WindowRow,
  WindowColumn,
  WindowHead,
  WindowMessage,
} from './wire/window-messages.js'
export { createDocRows } from './window/doc-rows.js'
export type { DocRows } from './window/doc-rows.js'
export { createSortIndex } from './window/sort-index.js'
export type { SortIndex, SortIndexOptions, IndexEvent } from './window/sort-index.js'
export { createSliceSort } from './window/slice-sort.js'
export type { SliceSort } from './window/slice-sort.js'
export { canonicalJson } from './query/query-match.js'
export type { Touch } from './query/window-ranks.js'
export { positionsBetween, comparePositions } from './row-order.js'
export { normalizeCell, readCell, checkColumnType } from './schema.js'
export { matchesCondition } from './query/query-match.js'
export { sortCodeOf } from './query/matching-rows.js'
export { diffWindows } from './query/window-diff.js'
export type { ParsedQuery } from './query/query.js'
export { deletedSince } from './ports/memory-store.js'

/**
 * `tessera/react`: React hooks over the client SDK (React 18 or later, an optional peer
 * dependency). Only exports.
 * @module tessera/react
 */
export { useConnection, useTable } from './use-connection.js'
export type { OnCloseError } from './use-connection.js'
export { useLiveQuery } from './use-live-query.js'
export type { LiveQueryResult } from './use-live-query.js'
export { useQueryConnection, useQueryWindow } from './use-query-window.js'
export type { QueryWindowResult } from './use-query-window.js'
export {
  useConnectionStatus,
  useSaved,
  usePresence,
  useUndo,
  usePermissions,
  useConflicts,
  useColumns,
} from './use-connection-state.js'
export type { Saved, PresenceState, UndoState, StatusSource } from './use-connection-state.js'

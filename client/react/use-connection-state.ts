// Hooks over a connection's state: status, the unsaved count, presence, undo, permissions,
// conflicts and the table's columns. Each renders again only when its own event fires.
import { useMemo } from 'react'
import type { Column, Conflict, Table, TablePermissions } from '../../src/index.js'
import type { Connection, ConnectionStatus } from '../connect-table.js'
import type { Peer, PresenceUser } from '../presence.js'
import { useSourceValue } from './source-value.js'

const none: readonly never[] = []

/** What the status and saved hooks read: a table connection or a window client (connectQuery). */
export interface StatusSource {
  readonly status: ConnectionStatus
  readonly unsaved: number
  on(event: 'status', handler: (status: ConnectionStatus) => void): () => void
  on(event: 'unsaved', handler: (unsaved: number) => void): () => void
}

/** The connection's status (`offline` while there is no connection). */
export function useConnectionStatus(conn: StatusSource | undefined): ConnectionStatus {
  return useSourceValue(conn, listenStatus, readStatus, 'offline')
}
const listenStatus = (conn: StatusSource, onChange: () => void) => conn.on('status', onChange)
const readStatus = (conn: StatusSource) => conn.status

/** Local changes the server has not acknowledged as durable yet (S43). */
export interface Saved {
  readonly unsaved: number
  /** True when every local change is durable on the server. */
  readonly isSaved: boolean
}

/** The saved indicator: the unsaved count and whether it is 0. */
export function useSaved(conn: StatusSource | undefined): Saved {
  const unsaved = useSourceValue(conn, listenUnsaved, readUnsaved, 0)
  return useMemo(() => ({ unsaved, isSaved: unsaved === 0 }), [unsaved])
}
const listenUnsaved = (conn: StatusSource, onChange: () => void) => conn.on('unsaved', onChange)
const readUnsaved = (conn: StatusSource) => conn.unsaved

/** Who this client is and the other clients on the table. */
export interface PresenceState {
  readonly user: PresenceUser | undefined
  readonly peers: readonly Peer[]
}

/** This client's user and the other clients with their selections (S45, S121). */
export function usePresence(conn: Connection | undefined): PresenceState {
  const peers = useSourceValue(conn, listenPeers, readPeers, none)
  const user = conn?.presence.user
  return useMemo(() => ({ user, peers }), [user, peers])
}
const listenPeers = (conn: Connection, onChange: () => void) => conn.presence.on('change', onChange)
const readPeers = (conn: Connection): readonly Peer[] => conn.presence.peers()

/** Whether undo and redo have a step to take (S44). */
export interface UndoState {
  readonly canUndo: boolean
  readonly canRedo: boolean
}

/** Undo and redo availability, for enabling buttons. */
export function useUndo(conn: Connection | undefined): UndoState {
  const bits = useSourceValue(conn, listenUndo, readUndo, 0)
  return useMemo(() => ({ canUndo: (bits & 2) !== 0, canRedo: (bits & 1) !== 0 }), [bits])
}
const listenUndo = (conn: Connection, onChange: () => void) => conn.history.on('change', onChange)
const readUndo = (conn: Connection) =>
  (conn.history.canUndo ? 2 : 0) | (conn.history.canRedo ? 1 : 0)

/** What the server lets this connection do (S57); undefined until it said. */
export function usePermissions(conn: Connection | undefined): TablePermissions | undefined {
  return useSourceValue(conn, listenPermissions, readPermissions, undefined)
}
const listenPermissions = (conn: Connection, onChange: () => void) =>
  conn.on('permissions', onChange)
const readPermissions = (conn: Connection) => conn.permissions

/** This client's cell writes lost to concurrent remote ones (S40). */
export function useConflicts(conn: Connection | undefined): readonly Conflict[] {
  return useSourceValue(conn, listenConflicts, readConflicts, none)
}
const listenConflicts = (conn: Connection, onChange: () => void) =>
  conn.conflicts.subscribe(onChange)
const readConflicts = (conn: Connection) => conn.conflicts.list()

/** The table's columns, in order; a new list after each schema change. */
export function useColumns(table: Table | undefined): readonly Column[] {
  return useSourceValue(table, listenColumns, readColumns, none)
}
const listenColumns = (table: Table, onChange: () => void) =>
  table.on('change', (change) => {
    if (change.schemaChanged) onChange()
  })
const readColumns = (table: Table) => table.columns()

// The public surface of a connected table (what connectTable returns), apart from how it is
// built (connect-table.ts).
import type { Conflicts, Table, TesseraError } from '../src/index.js'
import type { TablePermissions } from '../src/internal.js'
import type { Presence } from './presence.js'
import type { ConnectionStatus } from './reconnect.js'
import type { Undo } from './undo.js'

export type { ConnectionStatus } from './reconnect.js'

/** One table attached to a server (and, with `offline`, to IndexedDB). */
export interface Connection {
  /** The synced table: read and edit it at once, online or not. */
  readonly table: Table
  readonly name: string
  readonly status: ConnectionStatus
  /** Local changes not yet acknowledged as durable by the server (S43). */
  readonly unsaved: number
  /**
   * False after `disconnect()`, and after a close that reconnecting cannot fix (S60): the
   * connection stays offline until `connect()`.
   */
  readonly isOnline: boolean
  readonly presence: Presence
  /**
   * What this connection may do with the table, as the server last said (S57); undefined until
   * the first connection. Edits it does not allow throw FORBIDDEN before touching the doc (S58).
   */
  readonly permissions: TablePermissions | undefined
  /** Conflict reports: local cell writes lost to concurrent remote ones (S40). */
  readonly conflicts: Conflicts
  /** Undo/redo of this client's own edits (S44). */
  readonly history: Undo
  undo(): boolean
  redo(): boolean
  /** Resolves once the local copy (IndexedDB) is loaded; at once without `offline`. */
  whenLoaded(): Promise<void>
  /**
   * Resolves once in sync with the server.
   * @throws CLOSED when closed before; the close's code when the server closed the connection
   *   for good (S60), FORBIDDEN when it refused this client's writes
   */
  whenSynced(): Promise<void>
  /** Resolves once `unsaved` is 0. @throws as `whenSynced` */
  whenSaved(): Promise<void>
  /** Resolves once every change so far is committed to IndexedDB (at once without `offline`). */
  whenStored(): Promise<void>
  /** Goes back online after `disconnect()` or a close that stopped the reconnecting. */
  connect(): void
  /** Goes offline on purpose: edits stay local (and in IndexedDB) until `connect()`. */
  disconnect(): void
  on(event: 'status', handler: (status: ConnectionStatus) => void): () => void
  on(event: 'unsaved', handler: (unsaved: number) => void): () => void
  /**
   * The server announced this connection's permissions: on every connect, and when the rules
   * change them (S76).
   */
  on(event: 'permissions', handler: (permissions: TablePermissions) => void): () => void
  /**
   * Background failures: refused writes, failed saves, a server that closed the connection
   * (`details: { closeCode, isRetrying }`).
   */
  on(event: 'error', handler: (error: TesseraError) => void): () => void
  close(): Promise<void>
}

/** The events of a connection, plus the internal ones its waits listen to. */
export type ConnectionEvents = {
  status: (status: ConnectionStatus) => void
  unsaved: (unsaved: number) => void
  permissions: (permissions: TablePermissions) => void
  error: (error: TesseraError) => void
  /** Internal: the server closed the connection for good (S60); waits reject with it. */
  stopped: (error: TesseraError) => void
  /** Internal: rejects pending waits on close. */
  closed: () => void
}

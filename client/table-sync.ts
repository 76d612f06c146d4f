// Keeps one table in sync with the server: the reconnect loop over WebSocket transports, a sync
// session on each, and what outlives a session (the unsaved count, the revert shadow, the
// permissions). Emits status, unsaved, permissions and errors; knows no SDK surface.
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { TesseraError, type Table } from '../src/index.js'
import type { CloseMeaning, TablePermissions, TransportClose } from '../src/internal.js'
import { openWebSocketTransport } from './adapters/websocket-transport.js'
import type { ConnectionEvents } from './connection-api.js'
import type { Emitter } from './emitter.js'
import { createNotices } from './notices.js'
import type { Settings } from './options.js'
import { createReconnector, type ConnectionStatus } from './reconnect.js'
import { createReverter } from './revert.js'
import { createSavedTracker } from './saved.js'
import { startSyncSession } from './sync-session.js'

/** The sync state of one connected table. */
export interface TableSync {
  readonly status: ConnectionStatus
  /** The app wants the table online and no final close stopped it (S60). */
  readonly isOnline: boolean
  readonly unsaved: number
  readonly permissions: TablePermissions | undefined
  /** Adds changes restored from the offline copy that the server may lack. */
  restoreUnsaved(count: number): void
  /** Wants the table online (true) or offline (false: closes the transport at once). */
  setOnline(isOnline: boolean): void
  /** Dials, when online is wanted and no transport is open. */
  dial(): void
}

export interface TableSyncContext {
  readonly doc: Y.Doc
  readonly table: Table
  readonly awareness: Awareness
  readonly settings: Settings
  readonly emitter: Emitter<ConnectionEvents>
  /** The table has an offline copy, which may hold what the server refuses (S59). */
  readonly hasOfflineCopy: boolean
  report(error: TesseraError): void
  /** Keeps the unsaved count with the offline copy. */
  onUnsaved(unsaved: number): void
}

/** S115: the room is the URL path, so the name travels percent-encoded (spaces, `%`, `?`). */
const roomUrl = ({ url, table, token }: Settings): string =>
  `${url}/${encodeURIComponent(table)}` +
  (token === undefined ? '' : `?token=${encodeURIComponent(token)}`)

const closeError = (close: TransportClose, meaning: CloseMeaning, isRetrying: boolean) =>
  new TesseraError(
    meaning.code,
    `the server closed the connection (${close.code}: ${close.reason}); ` +
      (isRetrying ? 'reconnecting' : 'not reconnecting: fix the cause, then connect()'),
    { details: { closeCode: close.code, isRetrying } },
  )

const revertError = (count: number, notice: string): TesseraError =>
  new TesseraError(
    'FORBIDDEN',
    `${notice}: ${count} local change${count === 1 ? '' : 's'} the server refused went back ` +
      `to the server's state; ask for write access to edit this table`,
  )

/** Creates the sync of one table, offline until `setOnline(true)` and `dial()`. */
export function createTableSync(context: TableSyncContext): TableSync {
  const { doc, settings, emitter } = context
  const report = (error: TesseraError): void => {
    context.report(error)
  }
  /** The origin of what the server sends (and of reverts): never sent back. */
  const origin = { sync: settings.table }
  let status: ConnectionStatus = 'offline'
  let wantsOnline = false
  /** A local edit since the doc was created (the table's own metadata comes before it). */
  let hasEdited = false
  /** S60: a close that retrying cannot fix; online again only by `connect()`. */
  const stop = (error: TesseraError): void => {
    report(error)
    wantsOnline = false
    emitter.emit('stopped', error)
  }
  const link = createReconnector({
    dial: () => openWebSocketTransport(roomUrl(settings), settings.WebSocket),
    maxBackoffMs: settings.maxBackoffMs,
    onOpen: (transport) =>
      startSyncSession(transport, {
        doc,
        awareness: context.awareness,
        origin,
        saved,
        reverter,
        onSynced: () => {
          link.synced()
        },
        onNotice: (notice) => {
          notices.handle(notice)
        },
        onError: report,
      }),
    onStatus(next) {
      if (next === status) return
      status = next
      emitter.emit('status', next)
    },
    onServerClose(close, meaning, isRetrying) {
      if (meaning === undefined) return
      if (isRetrying) report(closeError(close, meaning, isRetrying))
      else stop(closeError(close, meaning, isRetrying))
    },
    onDialError(cause) {
      const message = `connectTable: cannot open a WebSocket to ${settings.url}: ${String(cause)}`
      stop(new TesseraError('INVALID_ARGUMENT', message, { cause }))
    },
  })
  const send = (message: Uint8Array): boolean => link.send(message)
  const reverter = createReverter(doc, origin, send, (count, notice) => {
    if (count > 0) report(revertError(count, notice))
  })
  const saved = createSavedTracker(send, (unsaved) => {
    context.onUnsaved(unsaved)
    emitter.emit('unsaved', unsaved)
  })
  const notices = createNotices({
    table: context.table,
    tableName: settings.table,
    reverter,
    mayHoldRefused: () => hasEdited || context.hasOfflineCopy,
    report,
    onPermissions: (permissions) => {
      emitter.emit('permissions', permissions)
    },
  })
  doc.on('update', (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    if (!tr.local || tr.origin === origin) return
    hasEdited = true
    saved.countChange()
  })

  return {
    get status() {
      return status
    },
    get isOnline() {
      return wantsOnline
    },
    get unsaved() {
      return saved.unsaved
    },
    get permissions() {
      return notices.permissions
    },
    restoreUnsaved: (count) => {
      saved.restore(count)
    },
    setOnline(isOnline) {
      wantsOnline = isOnline
      if (!isOnline) link.disconnect()
    },
    dial() {
      if (wantsOnline) link.connect()
    },
  }
}

// The composition root of the client: a Table kept in sync by sync sessions (sync-session.ts)
// over WebSocket transports that a reconnect loop dials (reconnect.ts), with the saved
// acknowledgement, presence, undo, conflict reports and (optionally) an IndexedDB copy.
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { createConflicts, createTable, TesseraError, type TablePermissions } from '../src/index.js'
import { openWebSocketTransport } from './adapters/websocket-transport.js'
import type { Connection, ConnectionEvents, ConnectionStatus } from './connection-api.js'
import { createCrossTab, type CrossTab } from './cross-tab.js'
import { createEmitter } from './emitter.js'
import { createNotices } from './notices.js'
import { createOfflineStore, type OfflineStore } from './offline-store.js'
import { checkOptions, type ConnectTableOptions, type Settings } from './options.js'
import { anonymousUser, createPresence } from './presence.js'
import { createReconnector } from './reconnect.js'
import { createReverter } from './revert.js'
import { createSavedTracker } from './saved.js'
import { startSyncSession, type SessionParts } from './sync-session.js'
import { createUndo } from './undo.js'
import { waitUntil } from './waits.js'

export type { Connection, ConnectionStatus } from './connection-api.js'

const roomUrl = (settings: Settings): string =>
  `${settings.url}/${settings.table}` +
  (settings.token === undefined ? '' : `?token=${encodeURIComponent(settings.token)}`)

/**
 * Connects a table: returns at once with a usable Table that syncs in the background.
 * @example
 * const conn = connectTable({ url: 'ws://127.0.0.1:1234', table: 'todos', offline: true })
 * await conn.whenLoaded()
 * conn.table.insertRow({ title: 'works offline' })
 * @throws INVALID_ARGUMENT for a bad or unknown option
 */
export function connectTable(options: ConnectTableOptions): Connection {
  const settings = checkOptions(options)
  const doc = new Y.Doc()
  const emitter = createEmitter<ConnectionEvents>((error) => {
    // A throwing app handler is the app's bug: surface it as the host's uncaught error.
    setTimeout(() => {
      throw error
    })
  })
  const report = (error: TesseraError): void => {
    emitter.emit('error', error)
  }
  const reportUnknown = (cause: unknown): void => {
    report(
      cause instanceof TesseraError
        ? cause
        : new TesseraError('STORAGE_FAILURE', 'a background task failed', { cause }),
    )
  }
  const table = createTable({ doc, name: settings.table })
  const store: OfflineStore | undefined =
    settings.storeName === undefined ? undefined : createOfflineStore(settings.storeName, doc)
  const awareness = new Awareness(doc)
  /** The origin of what the server sends (and of reverts): never sent back. */
  const origin = { sync: settings.table }
  let crossTab: CrossTab | undefined
  let status: ConnectionStatus = 'offline'
  let closed = false
  const ownClients = new Set([doc.clientID])
  /** A local edit since the doc was created (the table's own metadata comes before it). */
  let hasEdited = false

  let wantsOnline = settings.connect
  /** S60: a close that retrying cannot fix; online again only by `connect()`. */
  const stop = (error: TesseraError): void => {
    wantsOnline = false
    emitter.emit('stopped', error)
  }
  const setStatus = (next: ConnectionStatus): void => {
    if (next === status) return
    status = next
    emitter.emit('status', next)
  }
  const link = createReconnector({
    dial: () => openWebSocketTransport(roomUrl(settings), settings.WebSocket),
    maxBackoffMs: settings.maxBackoffMs,
    onOpen: (transport) => startSyncSession(transport, parts),
    onStatus: setStatus,
    onServerClose(close, meaning, isRetrying) {
      if (meaning === undefined) return
      const next = isRetrying ? 'reconnecting' : 'not reconnecting: fix the cause, then connect()'
      const error = new TesseraError(
        meaning.code,
        `the server closed the connection (${close.code}: ${close.reason}); ${next}`,
        { details: { closeCode: close.code, isRetrying } },
      )
      report(error)
      if (!isRetrying) stop(error)
    },
    onDialError(cause) {
      const error = new TesseraError(
        'INVALID_ARGUMENT',
        `connectTable: cannot open a WebSocket to ${settings.url}: ${String(cause)}`,
        { cause },
      )
      report(error)
      stop(error)
    },
  })
  const reverter = createReverter(
    doc,
    origin,
    (message) => link.send(message),
    (count, notice) => {
      if (count === 0) return
      report(
        new TesseraError(
          'FORBIDDEN',
          `${notice}: ${count} local change${count === 1 ? '' : 's'} the server refused ` +
            `went back to the server's state; ask for write access to edit this table`,
        ),
      )
    },
  )
  const saved = createSavedTracker(
    (message) => link.send(message),
    (unsaved) => {
      if (store !== undefined) store.saveUnsaved(unsaved).catch(reportUnknown)
      emitter.emit('unsaved', unsaved)
    },
  )
  const notices = createNotices({
    table,
    tableName: settings.table,
    reverter,
    mayHoldRefused: () => hasEdited || store !== undefined,
    report,
    onPermissions: (permissions: TablePermissions) => {
      emitter.emit('permissions', permissions)
    },
  })
  const parts: SessionParts = {
    doc,
    awareness,
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
  }

  doc.on('update', (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    ownClients.add(doc.clientID)
    if (!tr.local || tr.origin === origin) return
    hasEdited = true
    saved.countChange()
  })

  const presence = createPresence(
    awareness,
    settings.table,
    settings.user ?? anonymousUser(doc.clientID),
    reportUnknown,
  )
  const history = createUndo(table, settings.undo, reportUnknown)
  const conflicts = createConflicts(table, { isOwnClient: (id) => ownClients.has(id) })

  const whenLoaded: Promise<void> = (async () => {
    if (store !== undefined) {
      await store.whenLoaded
      saved.restore(await store.loadUnsaved())
      crossTab = createCrossTab(settings.storeName!, doc)
    }
  })()
  whenLoaded
    .then(() => {
      if (closed) return
      // Columns have their name as id, so two replicas adding one concurrently merge into one.
      for (const column of settings.columns) {
        if (table.getColumn(column.name) === undefined) table.addColumn(column)
      }
      if (wantsOnline) link.connect()
    })
    .catch(reportUnknown)

  return {
    table,
    name: settings.table,
    get status() {
      return status
    },
    get unsaved() {
      return saved.unsaved
    },
    get isOnline() {
      return wantsOnline
    },
    presence,
    get permissions() {
      return notices.permissions
    },
    conflicts,
    history,
    undo: () => history.undo(),
    redo: () => history.redo(),
    whenLoaded: () => whenLoaded,
    whenSynced: () => waitUntil(emitter, () => status === 'synced', 'status', closed),
    whenSaved: () => waitUntil(emitter, () => saved.unsaved === 0, 'unsaved', closed),
    whenStored: async () => {
      await store?.whenStored()
    },
    connect() {
      if (closed || wantsOnline) return
      wantsOnline = true
      whenLoaded
        .then(() => {
          if (wantsOnline && !closed) link.connect()
        })
        .catch(reportUnknown)
    },
    disconnect() {
      wantsOnline = false
      link.disconnect()
    },
    on: (event: keyof ConnectionEvents, handler: ConnectionEvents[keyof ConnectionEvents]) => {
      if (!['status', 'unsaved', 'permissions', 'error'].includes(event)) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          `connection.on: unknown event "${event}"; expected status, unsaved, permissions or error`,
        )
      }
      return emitter.on(event, handler)
    },
    async close() {
      if (closed) return
      closed = true
      emitter.emit('closed')
      wantsOnline = false
      awareness.setLocalState(null)
      link.disconnect()
      crossTab?.close()
      presence.destroy()
      history.destroy()
      conflicts.destroy()
      await whenLoaded.catch(() => undefined)
      await store?.whenStored().catch(() => undefined)
      await store?.destroy()
      table.destroy()
      doc.destroy()
      emitter.clear()
    },
  }
}

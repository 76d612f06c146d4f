// The composition root of the client: a Table kept in sync with the server (table-sync.ts),
// with presence, undo, conflict reports and (optionally) an IndexedDB copy, behind the SDK
// surface of a Connection (connection-api.ts).
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import {
  createConflicts,
  createTable,
  TesseraError,
  type Conflicts,
  type Table,
} from '../src/index.js'
import type { Connection, ConnectionEvents } from './connection-api.js'
import { createEmitter, type Emitter } from './emitter.js'
import { openLocalCopy, type LocalCopy } from './local-copy.js'
import { checkOptions, type ConnectTableOptions, type Settings } from './options.js'
import { anonymousUser, createPresence, type Presence } from './presence.js'
import { createTableSync, type TableSync } from './table-sync.js'
import { createUndo, type Undo } from './undo.js'
import { waitUntil } from './waits.js'

export type { Connection, ConnectionStatus } from './connection-api.js'

const publicEvents = ['status', 'unsaved', 'permissions', 'error']

const createConnectionEmitter = (): Emitter<ConnectionEvents> =>
  createEmitter<ConnectionEvents>((error) => {
    // A throwing app handler is the app's bug: surface it as the host's uncaught error.
    setTimeout(() => {
      throw error
    })
  })

/** What a connection is made of: the surface below only reads and closes it. */
interface Parts {
  readonly settings: Settings
  readonly doc: Y.Doc
  readonly emitter: Emitter<ConnectionEvents>
  readonly table: Table
  readonly copy: LocalCopy
  readonly awareness: Awareness
  readonly sync: TableSync
  readonly presence: Presence
  readonly history: Undo
  readonly conflicts: Conflicts
  readonly whenLoaded: Promise<void>
  readonly reportUnknown: (cause: unknown) => void
}

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
  const emitter = createConnectionEmitter()
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
  const copy = openLocalCopy(settings.storeName, doc, reportUnknown)
  const awareness = new Awareness(doc)
  const sync = createTableSync({
    doc,
    table,
    awareness,
    settings,
    emitter,
    hasOfflineCopy: copy.isKept,
    report,
    onUnsaved: (unsaved) => {
      copy.saveUnsaved(unsaved)
    },
  })
  const ownClients = new Set([doc.clientID])
  doc.on('update', () => ownClients.add(doc.clientID))
  const user = settings.user ?? anonymousUser(doc.clientID)
  const whenLoaded = copy.whenLoaded.then((unsaved) => {
    sync.restoreUnsaved(unsaved)
  })
  return createConnection({
    settings,
    doc,
    emitter,
    table,
    copy,
    awareness,
    sync,
    presence: createPresence(awareness, settings.table, user, reportUnknown),
    history: createUndo(table, settings.undo, reportUnknown),
    conflicts: createConflicts(table, { isOwnClient: (id) => ownClients.has(id) }),
    whenLoaded,
    reportUnknown,
  })
}

/** The SDK surface over `parts`; goes online once the local copy is loaded. */
function createConnection(parts: Parts): Connection {
  const { settings, emitter, table, sync, history, whenLoaded, reportUnknown } = parts
  let closed = false
  const dialWhenLoaded = (): void => {
    whenLoaded
      .then(() => {
        if (!closed) sync.dial()
      })
      .catch(reportUnknown)
  }
  sync.setOnline(settings.connect)
  whenLoaded
    .then(() => {
      if (closed) return
      // Columns have their name as id, so two replicas adding one concurrently merge into one.
      for (const column of settings.columns) {
        if (table.getColumn(column.name) === undefined) table.addColumn(column)
      }
      sync.dial()
    })
    .catch(reportUnknown)

  return {
    table,
    name: settings.table,
    get status() {
      return sync.status
    },
    get unsaved() {
      return sync.unsaved
    },
    get isOnline() {
      return sync.isOnline
    },
    presence: parts.presence,
    get permissions() {
      return sync.permissions
    },
    conflicts: parts.conflicts,
    history,
    undo: () => history.undo(),
    redo: () => history.redo(),
    whenLoaded: () => whenLoaded,
    whenSynced: () => waitUntil(emitter, () => sync.status === 'synced', 'status', closed),
    whenSaved: () => waitUntil(emitter, () => sync.unsaved === 0, 'unsaved', closed),
    whenStored: () => parts.copy.whenStored(),
    connect() {
      if (closed || sync.isOnline) return
      sync.setOnline(true)
      dialWhenLoaded()
    },
    disconnect() {
      sync.setOnline(false)
    },
    on: (event: keyof ConnectionEvents, handler: ConnectionEvents[keyof ConnectionEvents]) => {
      if (!publicEvents.includes(event)) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          `connection.on: unknown event "${event}"; expected ${publicEvents.join(', ')}`,
        )
      }
      return emitter.on(event, handler)
    },
    async close() {
      if (closed) return
      closed = true
      emitter.emit('closed')
      parts.awareness.setLocalState(null)
      sync.setOnline(false)
      parts.presence.destroy()
      history.destroy()
      parts.conflicts.destroy()
      await parts.copy.close()
      table.destroy()
      parts.doc.destroy()
      emitter.clear()
    },
  }
}

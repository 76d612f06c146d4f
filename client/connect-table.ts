// The composition root of the client: a Table synced through a y-websocket provider, with the
// saved acknowledgement, presence, undo, conflict reports and (optionally) an IndexedDB copy.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import {
  createConflicts,
  createTable,
  decodeTesseraMessage,
  encodePermissionsRequest,
  errorCodes,
  MessageType,
  TesseraError,
  type Conflicts,
  type ErrorCode,
  type Table,
  type TablePermissions,
} from '../src/index.js'
import { createCrossTab, type CrossTab } from './cross-tab.js'
import { createEmitter } from './emitter.js'
import { createOfflineStore, type OfflineStore } from './offline-store.js'
import { checkOptions, type ConnectTableOptions } from './options.js'
import { guardFor, isReadOnly } from './permissions.js'
import { anonymousUser, createPresence, type Presence } from './presence.js'
import { createReverter } from './revert.js'
import { createSavedTracker } from './saved.js'
import { createUndo, type Undo } from './undo.js'

/** Where the connection stands: a socket opening, open, in sync with the server, or none. */
export type ConnectionStatus = 'connecting' | 'connected' | 'synced' | 'offline'

/** One table attached to a server (and, with `offline`, to IndexedDB). */
export interface Connection {
  /** The synced table: read and edit it at once, online or not. */
  readonly table: Table
  readonly name: string
  readonly status: ConnectionStatus
  /** Local changes not yet acknowledged as durable by the server (S43). */
  readonly unsaved: number
  /** False after `disconnect()`: the connection stays offline until `connect()`. */
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
  /** Resolves once in sync with the server. @throws CLOSED, or the close reason's code */
  whenSynced(): Promise<void>
  /** Resolves once `unsaved` is 0. @throws CLOSED when closed before */
  whenSaved(): Promise<void>
  /** Resolves once every change so far is committed to IndexedDB (at once without `offline`). */
  whenStored(): Promise<void>
  /** Goes back online after `disconnect()`. */
  connect(): void
  /** Goes offline on purpose: edits stay local (and in IndexedDB) until `connect()`. */
  disconnect(): void
  on(event: 'status', handler: (status: ConnectionStatus) => void): () => void
  on(event: 'unsaved', handler: (unsaved: number) => void): () => void
  /** The server announced this connection's permissions (on every connect). */
  on(event: 'permissions', handler: (permissions: TablePermissions) => void): () => void
  /** Background failures: refused writes, failed saves, a server that closed the connection. */
  on(event: 'error', handler: (error: TesseraError) => void): () => void
  close(): Promise<void>
}

type Events = {
  status: (status: ConnectionStatus) => void
  unsaved: (unsaved: number) => void
  permissions: (permissions: TablePermissions) => void
  error: (error: TesseraError) => void
  /** Internal: rejects pending waits on close. */
  closed: () => void
}

const closeCodes: Record<number, ErrorCode> = {
  1009: 'MESSAGE_TOO_LARGE',
  4400: 'PROTOCOL_ERROR',
  4401: 'UNAUTHORIZED',
  4403: 'FORBIDDEN',
  4404: 'TABLE_NOT_FOUND',
  4500: 'STORAGE_FAILURE',
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
  const emitter = createEmitter<Events>((error) => {
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
  let crossTab: CrossTab | undefined
  let status: ConnectionStatus = 'offline'
  let closed = false
  const ownClients = new Set([doc.clientID])
  let permissions: TablePermissions | undefined
  /** A local edit since the doc was created (the table's own metadata comes before it). */
  let hasEdited = false

  // S115: the room is the URL path, so the name travels percent-encoded (spaces, `%`, `?`).
  const provider = new WebsocketProvider(settings.url, encodeURIComponent(settings.table), doc, {
    connect: false,
    disableBc: true,
    params: settings.token === undefined ? {} : { token: settings.token },
    maxBackoffTime: settings.maxBackoffMs,
    WebSocketPolyfill: settings.WebSocket as unknown as typeof WebSocket,
  })
  const send = (bytes: Uint8Array): boolean => {
    const ws = provider.ws
    if (!provider.wsconnected || ws === null || ws.readyState !== 1) return false
    ws.send(bytes)
    return true
  }
  const reverter = createReverter(doc, provider, send, (count, notice) => {
    if (count === 0) return
    report(
      new TesseraError(
        'FORBIDDEN',
        `${notice}: ${count} local change${count === 1 ? '' : 's'} the server refused ` +
          `went back to the server's state; ask for write access to edit this table`,
      ),
    )
  })
  const saved = createSavedTracker(send, (unsaved) => {
    if (store !== undefined) store.saveUnsaved(unsaved).catch(reportUnknown)
    emitter.emit('unsaved', unsaved)
  })

  const setStatus = (next: ConnectionStatus): void => {
    if (next === status) return
    status = next
    emitter.emit('status', next)
  }

  // Tessera's own messages (docs/protocol.md §3–4).
  const onTesseraMessage = (_e: unknown, decoder: { arr: Uint8Array }): void => {
    try {
      const message = decodeTesseraMessage(decoder.arr)
      if (message?.type === 'saved') saved.acknowledge(message.requestId)
      else if (message?.type === 'not-saved')
        report(
          new TesseraError(toCode(message.code), `the server could not save: ${message.message}`),
        )
      else if (message?.type === 'permissions') {
        permissions = message.permissions
        table.setWriteGuard(guardFor(settings.table, permissions))
        emitter.emit('permissions', permissions)
      } else if (
        message?.type === 'error' &&
        permissions !== undefined &&
        isReadOnly(permissions)
      ) {
        // S59: the server kept nothing of what we sent; the local copy goes back to its state.
        // Without one, all that was refused is the metadata every fresh doc writes: nothing to
        // revert, and no copy of the server's state to keep (an offline copy may hold anything).
        if (hasEdited || store !== undefined) reverter.onRefused(message.message)
      } else if (message?.type === 'error')
        report(new TesseraError(toCode(message.code), message.message))
    } catch (error) {
      reportUnknown(error)
    }
  }
  for (const type of [
    MessageType.Saved,
    MessageType.NotSaved,
    MessageType.Error,
    MessageType.Permissions,
  ])
    provider.messageHandlers[type] = onTesseraMessage
  const syncHandler = provider.messageHandlers[MessageType.Sync]!
  provider.messageHandlers[MessageType.Sync] = (encoder, decoder, p, emitSynced, type) => {
    const isStep1 = decoder.arr[decoder.pos] === 0
    const peek = decoding.createDecoder(decoder.arr)
    peek.pos = decoder.pos
    const step = decoding.readVarUint(peek)
    const payload = decoding.readVarUint8Array(peek)
    syncHandler(encoder, decoder, p, emitSynced, type)
    reverter.onServerSync(step, payload)
    // Our step-2 reply (everything the server lacks) is sent when this handler returns; a saved
    // request sent after it covers every change made so far.
    if (isStep1)
      queueMicrotask(() => {
        saved.request()
      })
  }
  provider.on('status', ({ status: next }) => {
    // Sent before the provider's sync step 1, so the answer precedes any refusal notice (S57).
    if (next === 'connected') send(encodePermissionsRequest())
    if (next === 'connecting' || next === 'connected') setStatus(next)
  })
  provider.on('sync', (isSynced) => {
    if (isSynced) setStatus('synced')
  })
  provider.on('connection-close', (event) => {
    saved.reset()
    reverter.reset()
    setStatus('offline')
    const code = event === null ? undefined : closeCodes[event.code]
    if (code !== undefined) {
      report(new TesseraError(code, `the server closed the connection: ${event?.reason ?? ''}`))
    }
  })
  doc.on('update', (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    ownClients.add(doc.clientID)
    if (!tr.local || tr.origin === provider) return
    hasEdited = true
    saved.countChange()
  })

  const presence = createPresence(
    provider.awareness,
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
  let wantsOnline = settings.connect
  whenLoaded
    .then(() => {
      if (closed) return
      // Columns have their name as id, so two replicas adding one concurrently merge into one.
      for (const column of settings.columns) {
        if (table.getColumn(column.name) === undefined) table.addColumn(column)
      }
      if (wantsOnline) provider.connect()
    })
    .catch(reportUnknown)

  const waitFor = (ready: () => boolean, event: 'status' | 'unsaved'): Promise<void> =>
    new Promise((resolve, reject) => {
      if (closed) reject(new TesseraError('CLOSED', 'the connection is closed'))
      else if (ready()) resolve()
      else {
        const stops = [
          emitter.on(event, () => {
            if (!ready()) return
            stops.forEach((stop) => {
              stop()
            })
            resolve()
          }),
          emitter.on('error', (error) => {
            if (!['UNAUTHORIZED', 'FORBIDDEN', 'TABLE_NOT_FOUND'].includes(error.code)) return
            stops.forEach((stop) => {
              stop()
            })
            reject(error)
          }),
          emitter.on('closed', () => {
            stops.forEach((stop) => {
              stop()
            })
            reject(new TesseraError('CLOSED', 'the connection was closed before it was ready'))
          }),
        ]
      }
    })

  const connection: Connection = {
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
      return permissions
    },
    conflicts,
    history,
    undo: () => history.undo(),
    redo: () => history.redo(),
    whenLoaded: () => whenLoaded,
    whenSynced: () => waitFor(() => status === 'synced', 'status'),
    whenSaved: () => waitFor(() => saved.unsaved === 0, 'unsaved'),
    whenStored: async () => {
      await store?.whenStored()
    },
    connect() {
      if (closed || wantsOnline) return
      wantsOnline = true
      whenLoaded
        .then(() => {
          provider.connect()
        })
        .catch(reportUnknown)
    },
    disconnect() {
      wantsOnline = false
      provider.disconnect()
      setStatus('offline')
    },
    on: (event: keyof Events, handler: Events[keyof Events]) => {
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
      provider.awareness.setLocalState(null)
      provider.destroy()
      setStatus('offline')
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
  return connection
}

function toCode(code: string): ErrorCode {
  return (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'PROTOCOL_ERROR'
}

// Composition root of a window client: keeps one window of a query live over a `?mode=window`
// connection (docs/protocol.md §8) without holding the table, writes rows as Yjs updates the
// server checks like any other (S135), reconnects with backoff, and keeps an offline copy.
import { TesseraError, type Column, type LiveQueryDiff, type Row } from '../../src/index.js'
import type { TablePermissions } from '../../src/internal.js'
import { openIndexedDbCopy } from '../adapters/indexeddb-window-copy.js'
import { createEmitter, type Emitter } from '../emitter.js'
import type { ConnectionStatus } from '../reconnect.js'
import { asQueryError, linkWindowClient, onlineSwitch } from './query-link.js'
import { checkQueryOptions, checkWindow, type ConnectQueryOptions } from './query-options.js'
import { createWindowClient, type WindowClient } from './window-client.js'
import { keepWindowCopy, type WindowCopyKeeper } from './window-copy-keeper.js'
import type { WindowWrites } from './window-writes.js'

/** A live window of a query on a server's table, and the row writes of a table. */
export interface QueryConnection extends WindowWrites {
  /** The rows of the window, in order, with this client's unsaved edits applied (S138). */
  readonly rows: readonly Row[]
  /** The number of rows matching the query (the whole result, not only the window). */
  readonly total: number
  readonly window: { readonly offset: number; readonly limit: number }
  /** The table's columns, once the server (or the offline copy) gave them. */
  readonly columns: readonly Column[] | undefined
  readonly status: ConnectionStatus
  /** Edits not yet acknowledged as durable by the server. */
  readonly unsaved: number
  readonly permissions: TablePermissions | undefined
  /** Set while the server refuses the window (for example INVALID_QUERY). */
  readonly error: TesseraError | undefined
  /** Calls `handler` with one diff per change of the rows or total. */
  subscribe(handler: (diff: LiveQueryDiff) => void): () => void
  /**
   * `status` when the connection's status changes, `unsaved` when the unsaved count does, and
   * `error` for what the server reports (refused or corrected writes, window errors, closes)
   * and background failures (the offline copy). Returns the function that unsubscribes.
   */
  on<E extends keyof QueryEvents>(event: E, handler: QueryEvents[E]): () => void
  /** Shows another slice of the result; rows arrive with a diff whose source is "window". */
  setWindow(window: { offset: number; limit: number }): void
  /**
   * Resolves once rows of the current window are shown, from the server or the offline copy.
   * @throws the window's error (INVALID_QUERY, INVALID_ARGUMENT); CLOSED
   */
  whenLoaded(): Promise<void>
  /** Resolves once every edit made so far is durable on the server. @throws CLOSED */
  whenSaved(): Promise<void>
  /** Resolves once the offline copy holds every edit made so far (at once without one). */
  whenStored(): Promise<void>
  /** Goes offline on purpose: rows stay, edits of them stay pending until `connect()`. */
  disconnect(): void
  /** Goes back online after `disconnect()` or a close that stopped the reconnecting. */
  connect(): void
  /** Closes the connection and the offline copy; unsaved edits stay in the copy, if kept. */
  close(): Promise<void>
}

/** The events of a QueryConnection. */
export type QueryEvents = {
  status: (status: ConnectionStatus) => void
  unsaved: (unsaved: number) => void
  error: (error: TesseraError) => void
}

/** A 32-bit Yjs client id for this window client's items: a new one per connectQuery. */
const randomClientId = (): number => crypto.getRandomValues(new Uint32Array(1))[0]!

/**
 * Resolves once `isReady()` holds, rejects with `failure()` once that is set; both are checked
 * now and at every change.
 */
function waitUntil(
  events: WindowClient['events'],
  isReady: () => boolean,
  failure: () => TesseraError | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const failed = failure()
      if (!isReady() && failed === undefined) return
      stop()
      if (failed === undefined) resolve()
      else reject(failed)
    }
    const stop = events.on('change', check)
    check()
  })
}

/**
 * The offline copy of `client` in IndexedDB store `storeName` (none when undefined); `start`
 * runs once it is read back, or failed to be.
 */
function keepCopy(
  storeName: string | undefined,
  client: WindowClient,
  start: () => void,
): WindowCopyKeeper {
  const copy = keepWindowCopy(
    storeName === undefined ? undefined : openIndexedDbCopy(storeName),
    client,
    (error) => {
      client.events.emit('error', error)
    },
  )
  copy.whenLoaded.then(start, (error: unknown) => {
    client.events.emit('error', asQueryError(error, 'the offline copy could not be read'))
    start()
  })
  return copy
}

/** Relays the client's errors to `events`, and its changes as status and unsaved-count events. */
function relayEvents(
  client: WindowClient,
  events: Emitter<QueryEvents>,
  status: () => ConnectionStatus,
): void {
  let shown = { status: status(), unsaved: 0 }
  client.events.on('error', (error) => {
    events.emit('error', error)
  })
  client.events.on('change', () => {
    const next = { status: status(), unsaved: client.pending.unsaved.length }
    const last = shown
    shown = next
    if (next.status !== last.status) events.emit('status', next.status)
    if (next.unsaved !== last.unsaved) events.emit('unsaved', next.unsaved)
  })
}

/**
 * Opens a window of `options.query` on a server's table and keeps it live.
 * @example
 * const q = connectQuery({ url, table: 'todos', query: { orderBy: [['priority', 'desc']] }, limit: 50 })
 * await q.whenLoaded()
 * q.setCell(q.rows[0].id, 'done', true)
 * @throws INVALID_ARGUMENT for bad options, or `offline` where there is no IndexedDB
 */
export function connectQuery(options: ConnectQueryOptions): QueryConnection {
  const settings = checkQueryOptions(options)
  let status: ConnectionStatus = 'offline'
  const link = linkWindowClient(
    settings,
    () => client,
    (next) => {
      status = next
      client.events.emit('change')
    },
  )
  const client = createWindowClient(
    settings.query,
    { offset: settings.offset, limit: settings.limit },
    link,
    randomClientId(),
  )
  const online = onlineSwitch(link)
  const copy = keepCopy(settings.storeName, client, () => {
    online.start()
  })

  const until = (isReady: () => boolean, failure: () => TesseraError | undefined): Promise<void> =>
    waitUntil(client.events, isReady, () =>
      online.isClosed ? new TesseraError('CLOSED', 'the query is closed') : failure(),
    )

  const { state, pending } = client
  const events = createEmitter<QueryEvents>(() => undefined)
  relayEvents(client, events, () => status)
  return {
    ...client.writes,
    get rows() {
      return state.rows
    },
    get total() {
      return state.total
    },
    get window() {
      return client.window
    },
    get columns() {
      return state.columns
    },
    get status() {
      return status
    },
    get unsaved() {
      return pending.unsaved.length
    },
    get permissions() {
      return client.permissions
    },
    get error() {
      return client.error
    },
    subscribe: (handler) => client.events.on('diff', handler),
    on: (event, handler) => events.on(event, handler),
    setWindow(next) {
      checkWindow(next?.offset, next?.limit, 'setWindow')
      client.setWindow(next.offset, next.limit, (bytes) => link.send(bytes))
    },
    whenLoaded: () =>
      until(
        () => state.isLoaded,
        () => client.error,
      ),
    whenSaved: () =>
      until(
        () => pending.unsaved.length === 0,
        () =>
          online.isOffline()
            ? new TesseraError('CLOSED', 'the query went offline before its edits were saved')
            : undefined,
      ),
    whenStored: () => copy.whenStored(),
    disconnect() {
      online.disconnect()
    },
    connect() {
      online.connect()
    },
    async close() {
      if (!online.close()) return
      client.events.emit('change')
      await copy.close()
      client.events.clear()
      events.clear()
    },
  }
}

// The loaded rooms of one server: loads a table on first use, unloads it when idle, and closes
// them all on shutdown. Knows nothing about sockets or HTTP.
import { TesseraError, type Store } from '../src/index.js'
import { CloseCode } from '../src/internal.js'
import type { Cluster } from './cluster/cluster.js'
import type { Metrics } from './metrics.js'
import type { Logger } from './logger.js'
import { loadRoom } from './load-room.js'
import type { Room, RoomContext } from './room.js'

export interface Rooms {
  /**
   * Returns the loaded room of `table`, loading it first.
   * @throws TABLE_NOT_FOUND when `canCreate` is false and the table holds nothing
   * @throws STORAGE_FAILURE when the store fails
   */
  acquire(table: string, options: { canCreate: boolean }): Promise<Room>
  get(table: string): Room | undefined
  /** Names of the loaded tables. */
  loaded(): string[]
  /**
   * Deletes a table (S117): closes its connections with 4404, unloads it without storing
   * anything more, and deletes what the store holds. Resolves to false when there was nothing.
   * @throws STORAGE_FAILURE when the store fails
   */
  drop(table: string): Promise<boolean>
  /** Flushes and unloads every room. */
  close(): Promise<void>
}

export interface RoomsOptions {
  store: Store
  metrics: Metrics
  logger: Logger
  compactAfterUpdates: number
  compactAfterBytes: number
  historyRetentionMs: number
  idleUnloadMs: number
  /** Called when a room fails to store (its peers were closed with 4500). */
  onStorageFailure(table: string, error: TesseraError): void
  /** The other nodes (docs/scaling.md); absent on a single node. */
  cluster?: Cluster
}

/** Creates the room registry. */
export function createRooms(options: RoomsOptions): Rooms {
  const { metrics, logger } = options
  const rooms = new Map<string, Room>()
  const loading = new Map<string, Promise<Room>>()
  /** Deletions under way: a table is loaded again only once its deletion is done. */
  const dropping = new Map<string, Promise<boolean>>()
  const idleTimers = new Map<Room, NodeJS.Timeout>()
  let isClosed = false

  const unload = async (room: Room): Promise<void> => {
    idleTimers.delete(room)
    try {
      await room.flushed()
    } catch {
      // The failure was reported by onBroken; the room is dropped below all the same.
    }
    if (room.holds > 0 || rooms.get(room.name) !== room) return
    rooms.delete(room.name)
    metrics.tablesLoaded.set(rooms.size)
    try {
      await room.close()
      logger.info(`unloaded table "${room.name}"`)
    } catch (error) {
      logger.error(`unloading table "${room.name}" failed`, error)
    }
  }

  const context: RoomContext = {
    ...(options.cluster === undefined ? {} : { cluster: options.cluster }),
    store: options.store,
    metrics,
    compactAfterUpdates: options.compactAfterUpdates,
    compactAfterBytes: options.compactAfterBytes,
    historyRetentionMs: options.historyRetentionMs,
    onIdle(room) {
      if (isClosed || idleTimers.has(room)) return
      const timer = setTimeout(() => void unload(room), options.idleUnloadMs)
      timer.unref()
      idleTimers.set(room, timer)
    },
    onBroken(room, error) {
      if (rooms.get(room.name) === room) rooms.delete(room.name)
      metrics.tablesLoaded.set(rooms.size)
      for (const peer of [...room.peers])
        peer.close(CloseCode.StorageFailure, 'the server cannot store updates')
      options.onStorageFailure(room.name, error)
    },
  }

  const load = async (table: string): Promise<Room> => {
    const room = await loadRoom(table, context)
    if (isClosed) {
      await room.close()
      throw new TesseraError('CLOSED', 'the server is shutting down; reconnect later')
    }
    rooms.set(table, room)
    metrics.tablesLoaded.set(rooms.size)
    return room
  }

  const drop = async (table: string): Promise<boolean> => {
    await loading.get(table)?.catch(() => undefined)
    const room = rooms.get(table)
    let hadRows = false
    if (room !== undefined) {
      hadRows = !room.isEmpty()
      rooms.delete(table)
      metrics.tablesLoaded.set(rooms.size)
      clearTimeout(idleTimers.get(room))
      idleTimers.delete(room)
      const reason = `table "${table}" was deleted`
      for (const peer of [...room.peers]) peer.close(CloseCode.TableNotFound, reason)
      // What was applied before the deletion may still be committing: let it land, then go.
      await room.flushed().catch(() => undefined)
      room.discard()
    }
    const hadStored = await options.store.delete(table)
    logger.info(`deleted table "${table}"`)
    return hadRows || hadStored
  }

  return {
    async acquire(table, { canCreate }) {
      if (isClosed) throw new TesseraError('CLOSED', 'the server is shutting down; reconnect later')
      await dropping.get(table)?.catch(() => undefined)
      let room = rooms.get(table)
      if (room === undefined) {
        let pending = loading.get(table)
        if (pending === undefined) {
          pending = load(table).finally(() => loading.delete(table))
          loading.set(table, pending)
        }
        room = await pending
      }
      const timer = idleTimers.get(room)
      if (timer !== undefined) {
        clearTimeout(timer)
        idleTimers.delete(room)
      }
      if (!canCreate && room.isEmpty()) {
        if (room.holds === 0) context.onIdle(room)
        throw new TesseraError(
          'TABLE_NOT_FOUND',
          `table "${table}" does not exist; create it first (POST /tables)`,
        )
      }
      return room
    },
    get: (table) => rooms.get(table),
    drop(table) {
      const previous = dropping.get(table) ?? Promise.resolve(false)
      const pending = previous
        .catch(() => false)
        .then(() => drop(table))
        .finally(() => {
          if (dropping.get(table) === pending) dropping.delete(table)
        })
      dropping.set(table, pending)
      return pending
    },
    loaded: () => [...rooms.keys()],
    async close() {
      isClosed = true
      for (const timer of idleTimers.values()) clearTimeout(timer)
      idleTimers.clear()
      await Promise.allSettled(loading.values())
      const all = [...rooms.values()]
      rooms.clear()
      metrics.tablesLoaded.set(0)
      const results = await Promise.allSettled(all.map((room) => room.close()))
      for (const result of results) {
        if (result.status === 'rejected') logger.error('closing a table failed', result.reason)
      }
    },
  }
}

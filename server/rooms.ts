// The loaded rooms of one server: loads a table on first use, unloads it when idle, and closes
// them all on shutdown. Knows nothing about sockets or HTTP.
import { TesseraError, type Store } from '../src/index.js'
import { CloseCode } from '../src/internal.js'
import type { Cluster } from './cluster/cluster.js'
import type { Metrics } from './metrics.js'
import { deleteStored, discardDeleted } from './deleted-tables.js'
import { createIdleTimers } from './idle-timers.js'
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
  /** The size of a join encoding's slices; 0: one message (S175). Default 64 KiB. */
  joinSliceBytes?: number
  /** Called when a room fails to store (its peers were closed with 4500). */
  onStorageFailure(table: string, error: TesseraError): void
  /** The other nodes (docs/scaling.md); absent on a single node. */
  cluster?: Cluster
}

/** The options a room needs of its registry's, with the registry's two events. */
function roomContext(
  options: RoomsOptions,
  events: Pick<RoomContext, 'onIdle' | 'onBroken'>,
): RoomContext {
  return {
    ...(options.cluster === undefined ? {} : { cluster: options.cluster }),
    store: options.store,
    metrics: options.metrics,
    compactAfterUpdates: options.compactAfterUpdates,
    compactAfterBytes: options.compactAfterBytes,
    historyRetentionMs: options.historyRetentionMs,
    ...(options.joinSliceBytes === undefined ? {} : { joinSliceBytes: options.joinSliceBytes }),
    ...events,
  }
}

/**
 * Runs `task` for `key` once the task queued before for that key settled; `queue` holds each
 * key's last task until it settles (deletions of one table run one after the other).
 */
function enqueue<T>(
  queue: Map<string, Promise<T>>,
  key: string,
  fallback: T,
  task: () => Promise<T>,
): Promise<T> {
  const previous = queue.get(key) ?? Promise.resolve(fallback)
  const pending = previous
    .catch(() => fallback)
    .then(task)
    .finally(() => {
      if (queue.get(key) === pending) queue.delete(key)
    })
  queue.set(key, pending)
  return pending
}

/** The task under way for `key` in `tasks`, or `task` started and kept there until it settles. */
function share<T>(tasks: Map<string, Promise<T>>, key: string, task: () => Promise<T>): Promise<T> {
  let pending = tasks.get(key)
  if (pending === undefined) {
    pending = task().finally(() => tasks.delete(key))
    tasks.set(key, pending)
  }
  return pending
}

/**
 * Logs why closing `room` failed. S210: a table deleted on another node while loaded here (this
 * node missed the message) has its last compaction refused: expected, so not an error.
 */
function logCloseFailure(room: Room, error: unknown, logger: Logger, what: string): void {
  if (error instanceof TesseraError && error.code === 'TABLE_NOT_FOUND') {
    logger.info(
      `table "${room.name}" was deleted on another node while loaded here; unloaded it without compacting (the store refused the compaction: ${error.message})`,
    )
    return
  }
  logger.error(`${what} table "${room.name}" failed`, error)
}

/** Closes a room that was unloaded as idle, logging the outcome. */
async function closeUnloaded(room: Room, logger: Logger): Promise<void> {
  try {
    await room.close()
    logger.info(`unloaded table "${room.name}"`)
  } catch (error) {
    logCloseFailure(room, error, logger, 'unloading')
  }
}

/** Closes unloaded rooms, logging each failure. */
async function closeAll(rooms: Room[], logger: Logger): Promise<void> {
  const results = await Promise.allSettled(rooms.map((room) => room.close()))
  results.forEach((result, index) => {
    if (result.status === 'rejected')
      logCloseFailure(rooms[index]!, result.reason, logger, 'closing')
  })
}

/** Creates the room registry. */
export function createRooms(options: RoomsOptions): Rooms {
  const { metrics, logger } = options
  const rooms = new Map<string, Room>()
  const loading = new Map<string, Promise<Room>>()
  /** Deletions under way: a table is loaded again only once its deletion is done. */
  const dropping = new Map<string, Promise<boolean>>()
  let isClosed = false

  const unload = async (room: Room): Promise<void> => {
    try {
      await room.flushed()
    } catch {
      // The failure was reported by onBroken; the room is dropped below all the same.
    }
    if (room.holds > 0 || rooms.get(room.name) !== room) return
    rooms.delete(room.name)
    metrics.tablesLoaded.set(rooms.size)
    await closeUnloaded(room, logger)
  }

  const idle = createIdleTimers(options.idleUnloadMs, unload)

  const context = roomContext(options, {
    onIdle(room) {
      if (!isClosed) idle.start(room)
    },
    onBroken(room, error) {
      if (rooms.get(room.name) === room) rooms.delete(room.name)
      metrics.tablesLoaded.set(rooms.size)
      // S210: the store refused a write because the table was deleted on another node.
      if (error.code === 'TABLE_NOT_FOUND') {
        idle.stop(room)
        logger.info(`table "${room.name}" was deleted on another node; unloaded it`)
        void discardDeleted(room)
        return
      }
      for (const peer of [...room.peers])
        peer.close(CloseCode.StorageFailure, 'the server cannot store updates')
      options.onStorageFailure(room.name, error)
    },
  })

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

  /** Unloads `table`'s room, when loaded and older than `generation`, as deleted (S210). */
  const unloadDeleted = async (table: string, generation: number): Promise<Room | undefined> => {
    await loading.get(table)?.catch(() => undefined)
    const room = rooms.get(table)
    if (room === undefined || room.generation >= generation) return undefined
    rooms.delete(table)
    metrics.tablesLoaded.set(rooms.size)
    idle.stop(room)
    await discardDeleted(room)
    return room
  }

  const drop = async (table: string): Promise<boolean> => {
    const room = await unloadDeleted(table, Number.POSITIVE_INFINITY)
    const hadRows = room?.isEmpty() === false
    const hadStored = await deleteStored(options.store, table)
    logger.info(`deleted table "${table}"`)
    // S210: the other nodes unload it too (their writes are refused by the store meanwhile).
    const { cluster } = options
    if (cluster !== undefined) {
      const { generation } = await options.store.load(table)
      if (generation !== undefined) cluster.announceDeleted(table, generation)
    }
    return hadRows || hadStored
  }
  const stopDeleted = options.cluster?.onDeleted((table, generation) => {
    void enqueue(dropping, table, false, async () => {
      if ((await unloadDeleted(table, generation)) !== undefined)
        logger.info(`table "${table}" was deleted on another node; unloaded it`)
      return false
    })
  })

  return {
    async acquire(table, { canCreate }) {
      if (isClosed) throw new TesseraError('CLOSED', 'the server is shutting down; reconnect later')
      await dropping.get(table)?.catch(() => undefined)
      // Concurrent first uses of a table share its one load.
      const room = rooms.get(table) ?? (await share(loading, table, () => load(table)))
      idle.stop(room)
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
    drop: (table) => enqueue(dropping, table, false, () => drop(table)),
    loaded: () => [...rooms.keys()],
    async close() {
      isClosed = true
      stopDeleted?.()
      idle.stopAll()
      await Promise.allSettled(loading.values())
      const all = [...rooms.values()]
      rooms.clear()
      metrics.tablesLoaded.set(0)
      await closeAll(all, logger)
    },
  }
}

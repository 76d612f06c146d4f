// One room: the server's live copy of one table plus its connections. Applies updates, commits
// them to the store in groups, and only then broadcasts them (docs/protocol.md §3).
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import { createTable, MessageType, TesseraError, type Store, type Table } from '../src/index.js'
import type { Cluster, RoomLink } from './cluster/cluster.js'
import type { Metrics } from './metrics.js'

/** A connection as a room sees it. */
export interface Peer {
  send(message: Uint8Array): void
  close(code: number, reason: string): void
  /** Awareness client ids this connection announced (removed when it leaves). */
  readonly awarenessIds: Set<number>
  /**
   * True while a sync reply to this connection waits for a commit: broadcasts skip it, as the
   * reply (computed after the commit) already carries what they would send.
   */
  readonly isAwaitingSyncReply: boolean
}

/** Called once everything applied before the call is durable; with the error when it is not. */
export type DurableCallback = (error?: TesseraError) => void

export interface Room {
  readonly name: string
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  readonly peers: ReadonlySet<Peer>
  /** The Table over the room's doc, created on first use (REST); it writes the format metadata. */
  table(): Table
  /** True when the table holds nothing: no update was ever stored or applied. */
  isEmpty(): boolean
  join(peer: Peer): void
  leave(peer: Peer): void
  /** Keeps the room loaded (REST requests, live streams); returns the release function. */
  hold(): () => void
  readonly holds: number
  /** Sends the pending batch back to the connections it came from too (they lack a correction). */
  echoToOrigins(): void
  /**
   * Stores an update that Yjs keeps (partly) pending, so nothing of it is lost on a restart;
   * it commits with the open batch and is not broadcast (docs/protocol.md §3).
   */
  keep(update: Uint8Array): void
  /** True when updates were applied that no commit has started on yet. */
  hasUncommitted(): boolean
  /** Runs `callback` once every update applied so far is committed to the store. */
  afterDurable(callback: DurableCallback): void
  /** Resolves once every update applied so far is committed; rejects with STORAGE_FAILURE. */
  flushed(): Promise<void>
  /** Flushes, compacts a non-empty log, and frees the doc. Peers must have left. */
  close(): Promise<void>
  /** Another node compacted the table's log (server/cluster): this room's count starts over. */
  noteCompacted(): void
}

export interface RoomContext {
  store: Store
  metrics: Metrics
  compactAfterUpdates: number
  compactAfterBytes: number
  /** The room has no peer and no hold left. */
  onIdle(room: Room): void
  /** A room failed to store updates: it closed its peers and must be dropped. */
  onBroken(room: Room, error: TesseraError): void
  /** The other nodes serving the same tables (docs/scaling.md); absent on a single node. */
  cluster?: Cluster
}

interface Batch {
  updates: Uint8Array[]
  /** Updates Yjs keeps pending: stored, never broadcast. */
  kept: Uint8Array[]
  origins: Set<unknown>
  isEchoed: boolean
  callbacks: DurableCallback[]
}

const loading = Symbol('load')
const newBatch = (): Batch => ({
  updates: [],
  kept: [],
  origins: new Set(),
  isEchoed: false,
  callbacks: [],
})

const mergeAll = (updates: Uint8Array[]): Uint8Array =>
  updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)

/** Encodes a y-protocols sync update message: varUint(0) varUint(2) varUint8Array(update). */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Sync)
  encoding.writeVarUint(encoder, 2)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** Encodes an awareness message carrying the given clients' states. */
export function encodeAwareness(
  awareness: awarenessProtocol.Awareness,
  clients: readonly number[],
): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Awareness)
  encoding.writeVarUint8Array(
    encoder,
    awarenessProtocol.encodeAwarenessUpdate(awareness, [...clients]),
  )
  return encoding.toUint8Array(encoder)
}

/**
 * Loads a table from the store into a new room.
 * @throws STORAGE_FAILURE when the store fails or holds bytes that are not Yjs updates
 */
export async function loadRoom(name: string, context: RoomContext): Promise<Room> {
  // Followed before the load, so nothing another node commits meanwhile is missed (S91).
  const follower = await context.cluster?.follow(name)
  let stored
  try {
    stored = await context.store.load(name)
  } catch (error) {
    follower?.cancel()
    throw error
  }
  const doc = new Y.Doc()
  try {
    doc.transact(() => {
      if (stored.snapshot !== undefined) Y.applyUpdate(doc, stored.snapshot, loading)
      for (const update of stored.updates) Y.applyUpdate(doc, update, loading)
    }, loading)
  } catch (cause) {
    doc.destroy()
    follower?.cancel()
    throw new TesseraError(
      'STORAGE_FAILURE',
      `table "${name}": the stored bytes are not valid Yjs updates; restore the database from a backup`,
      { cause },
    )
  }
  const room = createRoom(name, doc, context, {
    count: stored.updates.length,
    bytes: stored.updateBytes,
    isEmpty: stored.snapshot === undefined && stored.updates.length === 0,
  })
  if (follower !== undefined) room.link = follower.start(room, stored.seq)
  return room
}

function createRoom(
  name: string,
  doc: Y.Doc,
  context: RoomContext,
  log: { count: number; bytes: number; isEmpty: boolean },
): Room & { link?: RoomLink } {
  const { store, metrics } = context
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(null)
  const peers = new Set<Peer>()
  let table: Table | undefined
  let holds = 0
  let open = newBatch()
  let inFlight: Batch | undefined
  let isScheduled = false
  let broken: TesseraError | undefined
  let seq = 0

  const hasOpen = (): boolean => open.updates.length > 0 || open.kept.length > 0
  const schedule = (): void => {
    if (isScheduled || inFlight !== undefined) return
    isScheduled = true
    // setImmediate runs after the I/O poll phase, so every message read in that phase
    // (from every connection) joins one group commit.
    setImmediate(() => {
      isScheduled = false
      void flush()
    })
  }

  const broadcast = (update: Uint8Array, batch?: Batch): void => {
    const message = encodeSyncUpdate(update)
    // One origin already has the update (unless the server corrected it); several get the
    // merged update back (harmless: applying an update twice changes nothing), so it is
    // encoded once. An update from another node (no batch) goes to every peer.
    const skip =
      batch !== undefined && batch.origins.size === 1 && !batch.isEchoed
        ? batch.origins.values().next().value
        : undefined
    let sent = 0
    for (const peer of peers) {
      if (peer === skip || peer.isAwaitingSyncReply) continue
      peer.send(message)
      sent++
    }
    metrics.updatesBroadcast.inc(sent)
  }

  const compactIfDue = async (): Promise<void> => {
    if (log.count < context.compactAfterUpdates && log.bytes < context.compactAfterBytes) return
    await compact()
  }
  // Y.encodeStateAsUpdate includes what Yjs keeps pending (structs and deletions waiting for
  // their dependencies), so a snapshot taken meanwhile loses nothing (test/server/incomplete).
  const compact = async (): Promise<void> => {
    // With other nodes, only the run of sequence numbers this room holds without a gap (S92).
    const upTo = room.link?.seq ?? seq
    await store.compact(name, Y.encodeStateAsUpdate(doc), upTo)
    room.link?.compacted(upTo)
    room.noteCompacted()
    metrics.compactions.inc()
  }

  const flush = async (): Promise<void> => {
    const batch = open
    open = newBatch()
    inFlight = batch
    try {
      if (batch.updates.length > 0 || batch.kept.length > 0) {
        const update = batch.updates.length > 0 ? mergeAll(batch.updates) : undefined
        const stored =
          batch.kept.length === 0 ? update! : mergeAll([...batch.updates, ...batch.kept])
        const stopTimer = metrics.persistSeconds.startTimer()
        seq = await store.append(name, [stored])
        stopTimer()
        room.link?.committed(seq, stored)
        metrics.updatesPersisted.inc(batch.updates.length + batch.kept.length)
        metrics.bytesPersisted.inc(stored.byteLength)
        log.count++
        log.bytes += stored.byteLength
        log.isEmpty = false
        if (update !== undefined) broadcast(update, batch)
      }
      await compactIfDue()
      // Callbacks may join while the commit or the compaction is awaited, or while they run.
      for (let callback = batch.callbacks.shift(); callback; callback = batch.callbacks.shift()) {
        callback()
      }
    } catch (error) {
      fail(error, batch)
    } finally {
      inFlight = undefined
    }
    if (broken === undefined && (hasOpen() || open.callbacks.length > 0)) schedule()
  }

  const fail = (error: unknown, batch: Batch): void => {
    broken =
      error instanceof TesseraError
        ? error
        : new TesseraError('STORAGE_FAILURE', `table "${name}": ${String(error)}`, { cause: error })
    metrics.error('STORAGE_FAILURE')
    for (const callback of [...batch.callbacks, ...open.callbacks]) callback(broken)
    open = newBatch()
    context.onBroken(room, broken)
  }

  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === loading) return
    log.isEmpty = false
    if (origin !== undefined && origin === room.link) {
      // Committed by another node (S91): durable already, so relayed now and never stored again.
      log.count++
      log.bytes += update.byteLength
      broadcast(update)
      return
    }
    open.updates.push(update)
    open.origins.add(origin)
    schedule()
  })

  awareness.on(
    'update',
    (
      { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
      origin: unknown,
    ) => {
      const peer = origin as Peer | undefined
      if (peer !== undefined && peers.has(peer)) {
        for (const id of [...added, ...updated]) peer.awarenessIds.add(id)
        for (const id of removed) peer.awarenessIds.delete(id)
      }
      const message = encodeAwareness(awareness, [...added, ...updated, ...removed])
      for (const other of peers) if (other !== peer) other.send(message)
      // Each node times out idle states itself; what came from another node goes no further.
      if (origin !== 'timeout' && origin !== room.link) room.link?.presence(message)
    },
  )

  const release = (): void => {
    holds--
    if (holds === 0) context.onIdle(room)
  }

  const room: Room & { link?: RoomLink } = {
    name,
    doc,
    awareness,
    peers,
    get holds() {
      return holds
    },
    table: () => (table ??= createTable({ doc })),
    isEmpty: () => log.isEmpty,
    join(peer) {
      peers.add(peer)
      holds++
    },
    leave(peer) {
      if (!peers.delete(peer)) return
      if (peer.awarenessIds.size > 0) {
        awarenessProtocol.removeAwarenessStates(awareness, [...peer.awarenessIds], null)
      }
      release()
    },
    hold() {
      holds++
      let isHeld = true
      return () => {
        if (isHeld) release()
        isHeld = false
      }
    },
    keep(update) {
      log.isEmpty = false
      open.kept.push(update)
      schedule()
    },
    hasUncommitted: hasOpen,
    echoToOrigins() {
      open.isEchoed = true
    },
    afterDurable(callback) {
      if (broken !== undefined) callback(broken)
      else if (hasOpen()) open.callbacks.push(callback)
      else if (inFlight !== undefined) inFlight.callbacks.push(callback)
      else callback()
    },
    flushed: () =>
      new Promise((resolve, reject) => {
        room.afterDurable((error) => {
          if (error === undefined) resolve()
          else reject(error)
        })
      }),
    noteCompacted() {
      log.count = 0
      log.bytes = 0
    },
    async close() {
      try {
        await room.flushed()
        if (log.count > 0) await compact()
      } finally {
        room.link?.close()
        table?.destroy()
        awareness.destroy()
        doc.destroy()
      }
    },
  }
  return room
}

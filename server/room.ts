// One room: the server's live copy of one table plus the sessions of its connections. Applies
// updates, commits them in groups (group-commit.ts), and only then broadcasts them to the
// sessions (docs/protocol.md §7). Knows peers, not sockets.
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { createTable, TesseraError, type Table } from '../src/index.js'
import { encodeAwarenessStates, encodeMessage } from '../src/internal.js'
import {
  createGroupCommit,
  type CommitContext,
  type CommitLog,
  type CommittedBatch,
  type DurableCallback,
} from './group-commit.js'
import type { Cluster, RoomLink } from './cluster/cluster.js'
import { createJoinState, type JoinState, type StateVector } from './join-state.js'

/** A connection's sync session as a room sees it. */
export interface Peer {
  send(message: Uint8Array): void
  /** Sends presence, which is dropped while the connection's send buffer fills up (S72). */
  sendPresence(message: Uint8Array): void
  close(code: number, reason: string): void
  /** Awareness client ids this connection announced (removed when it leaves). */
  readonly awarenessIds: Set<number>
  /**
   * True while a sync reply to this connection waits for a commit: broadcasts skip it, as the
   * reply (computed after the commit) already carries what they would send.
   */
  readonly isAwaitingSyncReply: boolean
  /** Who this connection's updates are from in the table's history (a user id, or null). */
  readonly author: string | null
  /** A window connection (docs/protocol.md §8): it never gets the table's updates. */
  readonly isWindowOnly?: boolean
}

export interface Room {
  readonly name: string
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  readonly peers: ReadonlySet<Peer>
  /** The Table over the room's doc, created on first use (REST); it writes the format metadata. */
  table(): Table
  /** True when the table holds nothing: no update was ever stored or applied. */
  isEmpty(): boolean
  /** Runs `edit`; the updates it makes are kept in history as written by `author`. */
  writeAs<T>(author: string | null, edit: () => T): T
  join(peer: Peer): void
  leave(peer: Peer): void
  /** Keeps the room loaded (REST requests, live streams); returns the release function. */
  hold(): () => void
  readonly holds: number
  /**
   * The sync answer for a replica at `stateVector`, as messages: replicas that lack most of the
   * table share one encoding of it (S125). Call once everything applied is committed.
   */
  syncAnswer(stateVector: StateVector): Uint8Array[]
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
  /** Frees the doc without storing anything more: the table is being deleted (S117). */
  discard(): void
  /** Another node compacted the table's log (server/cluster): this room's count starts over. */
  noteCompacted(): void
  /** Its link to the other nodes serving the table (docs/scaling.md); absent on a single node. */
  readonly link?: RoomLink
}

export type { DurableCallback } from './group-commit.js'

export interface RoomContext extends CommitContext {
  /** The room has no peer and no hold left. */
  onIdle(room: Room): void
  /** A room failed to store updates: it closed its peers and must be dropped. */
  onBroken(room: Room, error: TesseraError): void
  /** The other nodes serving the same tables (docs/scaling.md); absent on a single node. */
  cluster?: Cluster
}

/** What other nodes committed is relayed to every peer (no origin here has it). */
const fromOtherNode: CommittedBatch = { origins: new Set(), isEchoed: false }

const loading = Symbol('load')

/** Sends a committed update to the peers that lack it; returns how many got it. */
function broadcast(peers: ReadonlySet<Peer>, update: Uint8Array, batch: CommittedBatch): number {
  // Encoded for the first peer that needs it: a lone writer's update goes to no one.
  let message: Uint8Array | undefined
  // One origin already has the update (unless the server corrected it); several get the merged
  // update back (harmless: applying an update twice changes nothing), so it is encoded once.
  const skip =
    batch.origins.size === 1 && !batch.isEchoed ? batch.origins.values().next().value : undefined
  let sent = 0
  for (const peer of peers) {
    if (peer === skip || peer.isAwaitingSyncReply || peer.isWindowOnly === true) continue
    message ??= encodeMessage({ type: 'sync-update', update })
    peer.send(message)
    sent++
  }
  return sent
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
  let joins: JoinState | undefined
  try {
    doc.transact(() => {
      if (stored.snapshot !== undefined) {
        Y.applyUpdate(doc, stored.snapshot, loading)
        // The snapshot is already the encoding joiners need: it is shared, the log follows it.
        const stateVector = Y.decodeStateVector(Y.encodeStateVector(doc))
        joins = createJoinState(doc, {
          state: stored.snapshot,
          stateVector,
          updates: stored.updates,
        })
      }
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
  const room = createRoom(name, doc, context, joins ?? createJoinState(doc), {
    count: stored.updates.length,
    bytes: stored.updateBytes,
    isEmpty: stored.snapshot === undefined && stored.updates.length === 0,
    atMs: stored.atMs,
    seq: stored.seq,
  })
  if (follower !== undefined) room.link = follower.start(room, stored.seq)
  return room
}

function createRoom(
  name: string,
  doc: Y.Doc,
  context: RoomContext,
  joins: JoinState,
  log: CommitLog,
): Room & { link?: RoomLink } {
  const { metrics } = context
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(null)
  const peers = new Set<Peer>()
  let table: Table | undefined
  let holds = 0
  let isDiscarded = false

  const commits = createGroupCommit(name, doc, context, log, {
    broadcast(update, batch) {
      metrics.updatesBroadcast.inc(broadcast(peers, update, batch))
    },
    onBroken(error) {
      context.onBroken(room, error)
    },
    committed: (seq, entries) => room.link?.committed(seq, entries),
    heldUpTo: () => room.link?.seq,
    compacted: (seq) => room.link?.compacted(seq),
  })

  // The author of REST writes (and restores, imports) made inside `writeAs`.
  let author: string | null = null
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    // S117: a deleted table stores nothing more, whatever its last connections still send.
    if (origin === loading || isDiscarded) return
    // Joiners' shared encoding (S125) holds what other nodes committed too.
    joins.append(update)
    if (origin !== undefined && origin === room.link) {
      // Committed by another node (S91): durable already, so relayed now and never stored again.
      log.isEmpty = false
      log.count++
      log.bytes += update.byteLength
      metrics.updatesBroadcast.inc(broadcast(peers, update, fromOtherNode))
      return
    }
    const peer = peers.has(origin as Peer) ? (origin as Peer) : undefined
    commits.add(update, origin, peer === undefined ? author : peer.author)
  })
  awareness.on('update', (changes: AwarenessChanges, origin: unknown) => {
    const message = relayPresence(changes, origin as Peer | undefined)
    // Each node times out idle states itself; what came from another node goes no further.
    if (origin !== 'timeout' && origin !== room.link) room.link?.presence(message)
  })

  const relayPresence = (
    { added, updated, removed }: AwarenessChanges,
    from?: Peer,
  ): Uint8Array => {
    if (from !== undefined && peers.has(from)) {
      for (const id of [...added, ...updated]) from.awarenessIds.add(id)
      for (const id of removed) from.awarenessIds.delete(id)
    }
    const message = encodeAwarenessStates(awareness, [...added, ...updated, ...removed])
    // The sender's session echoes its own presence itself (S62), with the sender's own clocks:
    // this message carries the room's clocks (S70), which would make it send its state again.
    for (const peer of peers) if (peer !== from) peer.sendPresence(message)
    return message
  }

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
    writeAs(writer, edit) {
      const outer = author
      author = writer
      try {
        return edit()
      } finally {
        author = outer
      }
    },
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
    syncAnswer: (stateVector) => joins.answer(stateVector),
    keep: (update) => {
      if (!isDiscarded) commits.keep(update)
    },
    hasUncommitted: () => commits.hasUncommitted(),
    echoToOrigins: () => {
      commits.echoToOrigins()
    },
    afterDurable: (callback) => {
      commits.afterDurable(callback)
    },
    flushed: () =>
      new Promise((resolve, reject) => {
        commits.afterDurable((error) => {
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
        await commits.close()
      } finally {
        room.discard()
      }
    },
    discard() {
      isDiscarded = true
      // Stops following the table on the other nodes' channel (closing it twice is harmless).
      room.link?.close()
      table?.destroy()
      awareness.destroy()
      doc.destroy()
    },
  }
  return room
}

interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}

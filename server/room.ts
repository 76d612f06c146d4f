// One room: the server's live copy of one table plus the sessions of its connections. Applies
// updates, commits them in groups (group-commit.ts), and only then broadcasts them to the
// sessions (docs/protocol.md §7). Knows peers, not sockets.
import type * as Y from 'yjs'
import type * as awarenessProtocol from 'y-protocols/awareness'
import { createTable, type TesseraError, type Table } from '../src/index.js'
import { encodeMessage } from '../src/internal.js'
import {
  createGroupCommit,
  type CommitContext,
  type CommitHooks,
  type CommitLog,
  type CommittedBatch,
  type DurableCallback,
  type RecordsWriter,
} from './group-commit.js'
import type { AuditRecord } from './ports/audit-log.js'
import type { Cluster, RoomLink } from './cluster/cluster.js'
import type { JoinState, StateVector } from './join-state.js'
import type { Metrics } from './metrics.js'
import { emitWithoutCopies } from './doc-emit.js'
import { createRoomPresence, type PresencePeer } from './room-presence.js'
import { feedUpdates } from './update-feed.js'

/** A connection's sync session as a room sees it. */
export interface Peer extends PresencePeer {
  send(message: Uint8Array): void
  close(code: number, reason: string): void
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
  /** The table's generation in the store when the room loaded it (S210): 0 when never deleted. */
  readonly generation: number
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
   * Stores and broadcasts `update` itself for `transaction` (not cleaned up yet), which changed
   * exactly what `update` holds (S225); Yjs does not encode it again.
   */
  asReceived(transaction: Y.Transaction, update: Uint8Array): void
  /**
   * Stores an update that Yjs keeps (partly) pending, so nothing of it is lost on a restart;
   * it commits with the open batch and is not broadcast (docs/protocol.md §3).
   */
  keep(update: Uint8Array): void
  /** S245: the audit records of the update just applied, written with its commit (group-commit.ts). */
  recordWithCommit(records: readonly AuditRecord[], writer: RecordsWriter): void
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
  /** The size of a join encoding's slices; 0: one message (S175). Default 64 KiB. */
  joinSliceBytes?: number
}

/** What other nodes committed is relayed to every peer (no origin here has it). */
const fromOtherNode: CommittedBatch = { origins: new Set(), isEchoed: false }

/** The origin of the updates a room is loaded from: they are stored already. */
export const loading = Symbol('load')

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

/** An update another node committed (S91): durable already, so relayed and never stored again. */
function relayCommitted(
  update: Uint8Array,
  log: CommitLog,
  peers: ReadonlySet<Peer>,
  metrics: Metrics,
): void {
  log.isEmpty = false
  log.count++
  log.bytes += update.byteLength
  metrics.updatesBroadcast.inc(broadcast(peers, update, fromOtherNode))
}

/** What a room's group commit tells it: batches to broadcast, a failure, commits to relay. */
function commitHooks(room: () => Room, context: RoomContext): CommitHooks {
  return {
    broadcast(update, batch) {
      context.metrics.updatesBroadcast.inc(broadcast(room().peers, update, batch))
    },
    onBroken(error) {
      context.onBroken(room(), error)
    },
    committed: (seq, entries) => room().link?.committed(seq, entries),
    heldUpTo: () => room().link?.seq,
    compacted: (seq) => room().link?.compacted(seq),
  }
}

/** What keeps a room loaded: its peers and its holds; `onIdle` runs when the last one ends. */
function createHolds(onIdle: () => void) {
  let count = 0
  const release = (): void => {
    count--
    if (count === 0) onIdle()
  }
  return {
    get count() {
      return count
    },
    add() {
      count++
    },
    release,
    /** Adds a hold; returns its release function, which releases it once however often called. */
    hold(): () => void {
      count++
      let isHeld = true
      return () => {
        if (isHeld) release()
        isHeld = false
      }
    },
  }
}

/**
 * A room over `doc`, which holds what the store had (see load-room.ts); `log` counts the stored
 * updates since the last compaction. The caller sets `link` when the table is followed (S91).
 */
export function createRoom(
  name: string,
  doc: Y.Doc,
  context: RoomContext,
  joins: JoinState,
  log: CommitLog,
  generation = 0,
): Room & { link?: RoomLink } {
  const peers = new Set<Peer>()
  emitWithoutCopies(doc)
  const presence = createRoomPresence(doc, peers, () => room.link)
  const { awareness } = presence
  let table: Table | undefined
  const holds = createHolds(() => {
    context.onIdle(room)
  })
  let isDiscarded = false

  const hooks = commitHooks(() => room, context)
  const commits = createGroupCommit(name, doc, context, log, hooks)

  // The author of REST writes (and restores, imports) made inside `writeAs`.
  let author: string | null = null
  const feed = feedUpdates(doc, (update, origin) => {
    // S117: a deleted table stores nothing more, whatever its last connections still send.
    if (origin === loading || isDiscarded) return
    // Joiners' shared encoding (S125) holds what other nodes committed too.
    joins.append(update)
    if (origin !== undefined && origin === room.link) {
      relayCommitted(update, log, peers, context.metrics)
      return
    }
    const peer = peers.has(origin as Peer) ? (origin as Peer) : undefined
    commits.add(update, origin, peer === undefined ? author : peer.author)
  })
  const room: Room & { link?: RoomLink } = {
    name,
    generation,
    doc,
    awareness,
    peers,
    get holds() {
      return holds.count
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
      holds.add()
    },
    leave(peer) {
      if (!peers.delete(peer)) return
      presence.removePeer(peer)
      holds.release()
    },
    hold: () => holds.hold(),
    syncAnswer: (stateVector) => joins.answer(stateVector),
    keep: (update) => {
      if (!isDiscarded) commits.keep(update)
    },
    recordWithCommit: (records, writer) => {
      if (!isDiscarded) commits.record(records, writer)
    },
    hasUncommitted: () => commits.hasUncommitted(),
    echoToOrigins: () => {
      commits.echoToOrigins()
    },
    asReceived: (transaction, update) => {
      feed.asReceived(transaction, update)
    },
    afterDurable: (callback) => {
      commits.afterDurable(callback)
    },
    flushed: () => commits.flushed(),
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

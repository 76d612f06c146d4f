// One followed table on this node: the messages that arrive for it (buffered until its room has
// loaded) and the RoomLink the room reports its commits, presence and compactions to.
import type * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import { applySnapshot, type NewUpdate, type Store, type TesseraError } from '../../src/index.js'
import { encodeAwarenessStates } from '../../src/internal.js'
import { NodeMessageType, type NodeMessage } from './messages.js'
import { createPresenceOwners, type PresenceOwners } from './presence-owners.js'
import { createTableFeed, type TableFeed } from './table-feed.js'

/** What the cluster needs of a loaded room. */
export interface LinkedRoom {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** The table's store generation the room was loaded at (S210). */
  readonly generation: number
  /** Another node compacted the table's log: the room's own count of log entries starts over. */
  noteCompacted(): void
}

/** A room's side of the link; every change the link applies has the link as its origin. */
export interface RoomLink {
  /** Every update up to this sequence number is in the room: what a compaction may claim. */
  readonly seq: number
  /** This node committed `entries` as the log entries numbered up to `seq`: tell the other nodes. */
  committed(seq: number, entries: readonly NewUpdate[]): void
  /** A y-websocket awareness message from one of this node's connections. */
  presence(message: Uint8Array): void
  /** This node compacted the log up to `seq`. */
  compacted(seq: number): void
  /** True when another node announced the presence of `clientId` (S93): no local connection may claim it. */
  isRemotePresence(clientId: number): boolean
  /** Stops following the table (the room unloads). */
  close(): void
}

/** What a link uses of its node. */
export interface LinkContext {
  store: Store
  gapWaitMs: number
  maxRelayBytes: number
  /**
   * Publishes a committed update of the table's `generation` (empty: a tick), remembering it
   * when Redis is unreachable.
   */
  announce(table: string, seq: number, update: Uint8Array, generation: number): void
  /** Publishes presence or a compaction notice on the table's channel. */
  publish(table: string, message: NodeMessage): void
  /** The table was deleted (S210): its store generation is now `generation`. */
  deleted(table: string, generation: number): void
  /**
   * S236: `message` (an update or compaction notice) names another generation of the table than
   * the loaded one, and was dropped; or names none (`undefined`: a node of an older version), and
   * was applied.
   */
  mismatched(table: string, message: NodeMessage, loaded: number): void
  onError(error: TesseraError, what: string): void
}

/** One followed table: messages wait in `early` until the room starts. */
export interface FollowedTable {
  readonly table: string
  readonly early: NodeMessage[]
  readonly owners: PresenceOwners
  /** Redis came back while the room was loading: read the store once it has started. */
  isBehind: boolean
  room?: LinkedRoom
  feed?: TableFeed
  link?: RoomLink
}

/** A table followed before its room exists. */
export function followTable(table: string): FollowedTable {
  return { table, early: [], owners: createPresenceOwners(), isBehind: false }
}

/** The y-websocket awareness message of the presence states this node's connections announced. */
function localPresence(entry: FollowedTable, room: LinkedRoom): Uint8Array | undefined {
  const ids = [...room.awareness.getStates().keys()].filter(
    (id) => id !== room.awareness.clientID && !entry.owners.has(id),
  )
  return ids.length === 0 ? undefined : encodeAwarenessStates(room.awareness, ids)
}

/**
 * S236: whether `message` belongs to the loaded generation of the table. An update or a
 * compaction notice of an older one (a node that had not yet heard of a deletion) must not reach
 * the room: its content was deleted and its sequence numbers name another log; a newer one says
 * the loaded table was deleted. One without a generation (an older node) is taken as before.
 */
function isOfGeneration(
  context: LinkContext,
  table: string,
  message: NodeMessage,
  loaded: number,
): boolean {
  if (message.type !== NodeMessageType.Update && message.type !== NodeMessageType.Compacted)
    return true
  const { generation } = message
  if (generation === loaded) return true
  if (generation === undefined) {
    context.mismatched(table, message, loaded)
    return true
  }
  // S210: a newer generation means the table was deleted since this room loaded it.
  if (generation > loaded) context.deleted(table, generation)
  else context.mismatched(table, message, loaded)
  return false
}

/** Handles a message from another node for this table (buffered while the room loads). */
export function receiveTableMessage(
  context: LinkContext,
  entry: FollowedTable,
  message: NodeMessage,
): void {
  const { room, feed, link } = entry
  if (room === undefined || feed === undefined) {
    entry.early.push(message)
    return
  }
  if (!isOfGeneration(context, entry.table, message, room.generation)) return
  switch (message.type) {
    case NodeMessageType.Update:
      feed.receive(message.seq, message.update)
      return
    case NodeMessageType.Presence: {
      entry.owners.note(message.node, message.presence)
      const decoder = decoding.createDecoder(message.presence)
      decoding.readVarUint(decoder)
      const update = decoding.readVarUint8Array(decoder)
      awarenessProtocol.applyAwarenessUpdate(room.awareness, update, link)
      return
    }
    case NodeMessageType.Compacted:
      room.noteCompacted()
      return
    case NodeMessageType.Deleted:
      // S210: a room loaded after the deletion holds the new table and stays.
      if (message.generation > room.generation) context.deleted(entry.table, message.generation)
      return
    case NodeMessageType.PresenceQuery: {
      const presence = localPresence(entry, room)
      if (presence !== undefined)
        context.publish(entry.table, { type: NodeMessageType.Presence, node: '', presence })
      return
    }
    case NodeMessageType.Heartbeat:
    case NodeMessageType.Leaving:
      return
  }
}

/** Attaches the room loaded at `seq`, applies what arrived meanwhile, and returns its link. */
export function startLink(
  context: LinkContext,
  entry: FollowedTable,
  room: LinkedRoom,
  seq: number,
  stop: () => void,
): RoomLink {
  const { table } = entry
  const feed = createTableFeed({
    table,
    store: context.store,
    seq,
    generation: room.generation,
    gapWaitMs: context.gapWaitMs,
    apply(updates) {
      room.doc.transact(() => {
        for (const update of updates) applySnapshot(room.doc, update, link)
      }, link)
    },
    onError: (error) => {
      context.onError(error, `table "${table}": catching up from the store failed`)
    },
    onDeleted: (generation) => {
      context.deleted(table, generation)
    },
  })
  const link: RoomLink = {
    get seq() {
      return feed.seq
    },
    committed(last, entries) {
      // One message per entry: the other nodes' feeds take sequence numbers one by one.
      for (const [index, { update }] of entries.entries()) {
        const at = last - entries.length + 1 + index
        feed.own(at)
        const isLarge = update.byteLength > context.maxRelayBytes
        context.announce(table, at, isLarge ? new Uint8Array() : update, room.generation)
      }
    },
    presence(message) {
      entry.owners.noteLocal(message)
      context.publish(table, { type: NodeMessageType.Presence, node: '', presence: message })
    },
    compacted(at) {
      const { generation } = room
      context.publish(table, { type: NodeMessageType.Compacted, node: '', seq: at, generation })
    },
    isRemotePresence: (clientId) => entry.owners.has(clientId),
    close: stop,
  }
  Object.assign(entry, { room, feed, link })
  for (const message of entry.early.splice(0)) receiveTableMessage(context, entry, message)
  if (entry.isBehind) void feed.catchUp()
  // S93: the presence already on other nodes shows here at once, not at its next renewal.
  context.publish(table, { type: NodeMessageType.PresenceQuery, node: '' })
  return link
}

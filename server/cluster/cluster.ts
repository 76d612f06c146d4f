// Ties the rooms of one node to the same tables on other nodes: committed updates, presence and
// compaction notices go out through the Fanout; theirs come in, in store order (docs/scaling.md).
// Knows nothing about Redis (the Fanout port) or sockets (rooms relay to their connections).
import { randomBytes } from 'node:crypto'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import { TesseraError, type Store } from '../../src/index.js'
import type { Fanout, Unsubscribe } from '../fanout.js'
import {
  decodeNodeMessage,
  encodeNodeMessage,
  NodeMessageType,
  type NodeMessage,
} from './messages.js'
import { createPresenceOwners, type PresenceOwners } from './presence-owners.js'
import { createTableFeed, type TableFeed } from './table-feed.js'

/** What the cluster needs of a loaded room. */
export interface LinkedRoom {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** Another node compacted the table's log: the room's own count of log entries starts over. */
  noteCompacted(): void
}

/** A room's side of the link; every change the link applies has the link as its origin. */
export interface RoomLink {
  /** Every update up to this sequence number is in the room: what a compaction may claim. */
  readonly seq: number
  /** This node committed `update` as `seq`: tell the other nodes. */
  committed(seq: number, update: Uint8Array): void
  /** A y-websocket awareness message from one of this node's connections. */
  presence(message: Uint8Array): void
  /** This node compacted the log up to `seq`. */
  compacted(seq: number): void
  /** Stops following the table (the room unloads). */
  close(): void
}

/** A table followed before its room is loaded, so nothing committed meanwhile is missed. */
export interface Follower {
  /** Attaches the room loaded at `seq`; messages that arrived during the load apply now. */
  start(room: LinkedRoom, seq: number): RoomLink
  /** Stops following (the load failed). */
  cancel(): void
}

/** The node's membership in the deployment. */
export interface Cluster {
  readonly nodeId: string
  /** Subscribes to a table's channel; resolves once messages flow (or at once while Redis is down). */
  follow(table: string): Promise<Follower>
  /** Tells the other nodes this one leaves, stops the heartbeat and closes the fanout. */
  close(): Promise<void>
}

/** Options of `createCluster`. */
export interface ClusterOptions {
  fanout: Fanout
  store: Store
  onError(error: TesseraError): void
  /** Prefix of every channel name; default `tessera:`. */
  prefix?: string
  /** S93: a node silent this long is gone and its presence states are removed; default 10,000 ms. */
  nodeTimeoutMs?: number
  /** Updates larger than this are announced as ticks and read from the store; default 256 KiB. */
  maxRelayBytes?: number
  /** How long a gap in the sequence waits before the store is read; default 100 ms. */
  gapWaitMs?: number
}

interface Followed {
  early: NodeMessage[]
  feed?: TableFeed
  room?: LinkedRoom
  link?: RoomLink
  owners: PresenceOwners
}

/** Joins the deployment: starts the heartbeat and listens on the nodes channel. */
export async function createCluster(options: ClusterOptions): Promise<Cluster> {
  const { fanout, store, prefix = 'tessera:', nodeTimeoutMs = 10_000 } = options
  const { maxRelayBytes = 256 * 1024, gapWaitMs = 100 } = options
  const nodeId = randomBytes(8).toString('hex')
  // Hash tags put each table's channel in the Redis Cluster slot of its name.
  const channelOf = (table: string): string => `${prefix}{${table}}`
  const nodesChannel = `${prefix}nodes`
  const followed = new Map<string, Followed>()
  const lastSeen = new Map<string, number>()
  // Tables whose update could not be announced (Redis unreachable): ticks go out when it is back.
  const unannounced = new Map<string, number>()
  let isReporting = true

  const report = (cause: unknown, what: string): void => {
    const error =
      cause instanceof TesseraError
        ? cause
        : new TesseraError('STORAGE_FAILURE', `${what}: ${String(cause)}`, { cause })
    options.onError(error)
  }
  const publish = (channel: string, message: NodeMessage, onFailure?: () => void): void => {
    fanout.publish(channel, encodeNodeMessage(message)).then(
      () => {
        isReporting = true
      },
      (cause: unknown) => {
        onFailure?.()
        // One report per outage, not one per update.
        if (isReporting) report(cause, 'Redis: publishing to the other nodes failed')
        isReporting = false
      },
    )
  }
  const announce = (table: string, seq: number, update: Uint8Array): void => {
    publish(channelOf(table), { type: NodeMessageType.Update, node: nodeId, seq, update }, () => {
      unannounced.set(table, Math.max(seq, unannounced.get(table) ?? 0))
    })
  }

  const departed = (node: string): void => {
    lastSeen.delete(node)
    for (const entry of followed.values()) {
      if (entry.room === undefined) continue
      const ids = entry.owners.takeNode(node)
      if (ids.length > 0)
        awarenessProtocol.removeAwarenessStates(entry.room.awareness, ids, entry.link)
    }
  }

  const handle = (entry: Followed, message: NodeMessage): void => {
    const { room, feed, link } = entry
    if (room === undefined || feed === undefined) {
      entry.early.push(message)
      return
    }
    switch (message.type) {
      case NodeMessageType.Update:
        feed.receive(message.seq, message.update)
        return
      case NodeMessageType.Presence: {
        entry.owners.note(message.node, message.presence)
        const decoder = decoding.createDecoder(message.presence)
        decoding.readVarUint(decoder)
        awarenessProtocol.applyAwarenessUpdate(
          room.awareness,
          decoding.readVarUint8Array(decoder),
          link,
        )
        return
      }
      case NodeMessageType.Compacted:
        room.noteCompacted()
        return
      case NodeMessageType.Heartbeat:
      case NodeMessageType.Leaving:
        return
    }
  }
  const receive = (entry: Followed | undefined, bytes: Uint8Array): void => {
    try {
      const message = decodeNodeMessage(bytes)
      if (message.node === nodeId) return
      lastSeen.set(message.node, Date.now())
      if (message.type === NodeMessageType.Leaving) departed(message.node)
      else if (entry !== undefined) handle(entry, message)
    } catch (error) {
      report(error, 'a message from another node failed')
    }
  }

  const beat = (): void => {
    publish(nodesChannel, { type: NodeMessageType.Heartbeat, node: nodeId })
    for (const [table, seq] of unannounced) {
      unannounced.delete(table)
      announce(table, seq, new Uint8Array())
    }
    const now = Date.now()
    for (const [node, seenMs] of lastSeen) if (now - seenMs > nodeTimeoutMs) departed(node)
  }
  const heartbeat = setInterval(beat, Math.max(10, Math.floor(nodeTimeoutMs / 4)))
  heartbeat.unref()
  // S91: messages published while Redis was out of reach are lost: read the store instead.
  const stopUp = fanout.on('up', () => {
    beat()
    for (const entry of followed.values()) void entry.feed?.catchUp()
  })
  const stopNodes = await fanout.subscribe(nodesChannel, (bytes) => {
    receive(undefined, bytes)
  })

  const follow = async (table: string): Promise<Follower> => {
    const entry: Followed = { early: [], owners: createPresenceOwners() }
    let unsubscribe: Unsubscribe | undefined = await fanout.subscribe(channelOf(table), (bytes) => {
      receive(entry, bytes)
    })
    const stop = (): void => {
      unsubscribe?.()
      unsubscribe = undefined
      entry.feed?.close()
      if (followed.get(table) === entry) followed.delete(table)
    }
    return {
      cancel: stop,
      start(room, seq) {
        const link: RoomLink = {
          get seq() {
            return feed.seq
          },
          committed(at, update) {
            feed.own(at)
            announce(table, at, update.byteLength > maxRelayBytes ? new Uint8Array() : update)
          },
          presence(message) {
            entry.owners.noteLocal(message)
            publish(channelOf(table), {
              type: NodeMessageType.Presence,
              node: nodeId,
              presence: message,
            })
          },
          compacted(at) {
            publish(channelOf(table), { type: NodeMessageType.Compacted, node: nodeId, seq: at })
          },
          close: stop,
        }
        const feed = createTableFeed({
          table,
          store,
          seq,
          gapWaitMs,
          apply(updates) {
            room.doc.transact(() => {
              for (const update of updates) Y.applyUpdate(room.doc, update, link)
            }, link)
          },
          onError: (error) => {
            report(error, `table "${table}": catching up from the store failed`)
          },
        })
        Object.assign(entry, { room, feed, link })
        followed.set(table, entry)
        for (const message of entry.early.splice(0)) handle(entry, message)
        return link
      },
    }
  }

  let closing: Promise<void> | undefined
  return {
    nodeId,
    follow,
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat)
        stopUp()
        stopNodes()
        await fanout
          .publish(nodesChannel, encodeNodeMessage({ type: NodeMessageType.Leaving, node: nodeId }))
          .catch(() => undefined)
        for (const entry of [...followed.values()]) entry.link?.close()
        await fanout.close()
      })()),
  }
}

// Ties the rooms of one node to the same tables on other nodes: committed updates, presence and
// compaction notices go out through the Fanout; theirs come in, in store order (docs/scaling.md).
// Knows nothing about Redis (the Fanout port) or sockets (rooms relay to their connections).
import { randomBytes } from 'node:crypto'
import { TesseraError, type LoadOptions, type Store } from '../../src/index.js'
import type { Fanout, Unsubscribe } from '../fanout.js'
import { decodeNodeMessage, encodeNodeMessage, NodeMessageType } from './messages.js'
import { createNodePublisher } from './node-publisher.js'
import { removePresenceOf, watchNodes } from './node-watch.js'
import { followTableChannel, type Follower } from './table-channel.js'
import { receiveTableMessage, type FollowedTable, type LinkContext } from './table-link.js'

export type { LinkedRoom, RoomLink } from './table-link.js'
export type { Follower } from './table-channel.js'

/** What one node sees of the deployment (`/healthz`, `/metrics`). */
export interface ClusterStatus {
  readonly nodeId: string
  /** True while the fanout (Redis) is connected. */
  readonly isFanoutUp: boolean
  /** Other nodes heard from within the node timeout. */
  readonly otherNodes: number
  /** Tables this node follows (its loaded tables). */
  readonly tables: number
  /** Updates other nodes announced for this node's tables (ticks included). */
  readonly updatesReceived: number
  /** Reads from the store to fill a gap, a tick or an outage (S91). */
  readonly storeReads: number
  /** Messages that could not be handed to the fanout. */
  readonly publishFailures: number
  /**
   * S236: updates and compaction notices of another generation of a loaded table (sent by a
   * node that had not yet heard of its deletion), dropped.
   */
  readonly staleMessages: number
}

/** A channel every node may publish on and hears (docs/scaling.md). */
export interface SharedChannel {
  /** Publishes; a failure (Redis unreachable) is dropped: the channel is best effort. */
  publish(bytes: Uint8Array): void
  /** Stops listening. */
  close(): void
}

/** The node's membership in the deployment. */
export interface Cluster {
  readonly nodeId: string
  /** A snapshot of what this node sees now. */
  status(): ClusterStatus
  /** Subscribes to a table's channel; resolves once messages flow (or at once while Redis is down). */
  follow(table: string): Promise<Follower>
  /**
   * Tells the other nodes this one deleted `table` (S210); `generation` is the table's store
   * generation after the deletion. Sent again when Redis was unreachable.
   */
  announceDeleted(table: string, generation: number): void
  /**
   * Calls `handler` when a table loaded here was deleted elsewhere (a message, or a catch-up
   * from the store that found another generation); returns the function that unsubscribes.
   */
  onDeleted(handler: (table: string, generation: number) => void): Unsubscribe
  /** Listens to the deployment-wide channel `name` (best effort) and returns how to publish on it. */
  openChannel(name: string, handler: (bytes: Uint8Array) => void): Promise<SharedChannel>
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
  /**
   * Expected events worth a line in the log (S236: messages of another generation dropped, a
   * node of an older version heard), each said once; default: none.
   */
  onNotice?(message: string): void
}

/** Joins the deployment: starts the heartbeat and listens on the nodes channel. */
export async function createCluster(options: ClusterOptions): Promise<Cluster> {
  const { fanout, store, prefix = 'tessera:', nodeTimeoutMs = 10_000 } = options
  const { maxRelayBytes = 256 * 1024, gapWaitMs = 100 } = options
  const nodeId = randomBytes(8).toString('hex')
  // Hash tags put each table's channel in the Redis Cluster slot of its name.
  const channelOf = (table: string): string => `${prefix}{${table}}`
  const nodesChannel = `${prefix}nodes`
  const followed = new Map<string, FollowedTable>()
  // Tables followed whose room is still loading.
  const pending = new Set<FollowedTable>()
  const counts = { updatesReceived: 0, storeReads: 0, staleMessages: 0 }

  const report = (cause: unknown, what: string): void => {
    options.onError(asTesseraError(cause, what))
  }
  const publisher = createNodePublisher(fanout, nodeId, channelOf, report)
  const deletedHandlers = new Set<(table: string, generation: number) => void>()

  const linkContext: LinkContext = {
    store: Object.assign(Object.create(store) as Store, {
      load: (table: string, loadOptions?: LoadOptions) => {
        counts.storeReads++
        return store.load(table, loadOptions)
      },
    }),
    gapWaitMs,
    maxRelayBytes,
    announce: (table, seq, update, generation) => {
      publisher.announce(table, seq, update, generation)
    },
    publish: (table, message) => {
      publisher.publish(channelOf(table), { ...message, node: nodeId })
    },
    deleted: (table, generation) => {
      for (const handler of deletedHandlers) handler(table, generation)
    },
    onError: report,
    mismatched: noteMismatch(counts, (message) => options.onNotice?.(message)),
  }
  const receive = (entry: FollowedTable | undefined, bytes: Uint8Array): void => {
    try {
      const message = decodeNodeMessage(bytes)
      if (message.node === nodeId) return
      nodes.seen(message.node, message.type === NodeMessageType.Leaving)
      if (message.type === NodeMessageType.Update) counts.updatesReceived++
      if (entry !== undefined) receiveTableMessage(linkContext, entry, message)
    } catch (error) {
      report(error, 'a message from another node failed')
    }
  }

  const beat = (): void => {
    publisher.publish(nodesChannel, { type: NodeMessageType.Heartbeat, node: nodeId })
    publisher.announceMissed()
  }
  const nodes = watchNodes(nodeTimeoutMs, beat, (node) => {
    removePresenceOf(node, followed.values())
  })
  // S91: messages published while Redis was out of reach are lost: read the store instead.
  const stopUp = fanout.on('up', () => {
    beat()
    for (const entry of pending) entry.isBehind = true
    for (const entry of followed.values()) void entry.feed?.catchUp()
  })
  const stopNodes = await fanout.subscribe(nodesChannel, (bytes) => {
    receive(undefined, bytes)
  })

  const tables = { followed, pending }
  const follow = (table: string): Promise<Follower> =>
    followTableChannel(table, channelOf(table), fanout, tables, receive, linkContext)

  let closing: Promise<void> | undefined
  return {
    nodeId,
    status: () => ({
      nodeId,
      isFanoutUp: fanout.isUp,
      otherNodes: nodes.count(),
      tables: followed.size,
      ...counts,
      publishFailures: publisher.failures,
    }),
    follow,
    announceDeleted: (table, generation) => {
      publisher.announceDeleted(table, generation)
    },
    async openChannel(name, handler) {
      const channel = `${prefix}${name}`
      const stop = await fanout.subscribe(channel, handler)
      return {
        publish: (bytes) => {
          fanout.publish(channel, bytes).catch(() => undefined)
        },
        close: stop,
      }
    },
    onDeleted(handler) {
      deletedHandlers.add(handler)
      return () => {
        deletedHandlers.delete(handler)
      }
    },
    close: () =>
      (closing ??= (async () => {
        nodes.stop()
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

const asTesseraError = (cause: unknown, what: string): TesseraError =>
  cause instanceof TesseraError
    ? cause
    : new TesseraError('STORAGE_FAILURE', `${what}: ${String(cause)}`, { cause })

/**
 * S236: counts the messages of another generation (dropped) and says once per table and
 * generation that they were, and once per node that it runs an older version.
 */
function noteMismatch(
  counts: { staleMessages: number },
  onNotice: (message: string) => void,
): LinkContext['mismatched'] {
  const said = new Set<string>()
  const once = (key: string, text: () => string): void => {
    if (said.has(key)) return
    // Bounded: a long-running node forgets what it said rather than growing without end.
    if (said.size >= 10_000) said.clear()
    said.add(key)
    onNotice(text())
  }
  return (table, message, loaded) => {
    const { node } = message
    if (!('generation' in message) || message.generation === undefined) {
      once(
        `node ${node}`,
        () =>
          `cluster: node ${node} runs an older Tessera (its messages name no table generation): upgrade every node before deleting a table (docs/scaling.md, "Upgrading")`,
      )
      return
    }
    counts.staleMessages++
    const { generation } = message
    once(
      `${table}\0${generation}`,
      () =>
        `cluster: table "${table}": dropped messages of its generation ${generation} from node ${node}, which had not yet heard that the table was deleted (generation ${loaded} is loaded here)`,
    )
  }
}

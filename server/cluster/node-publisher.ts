// What one node publishes to the others through the Fanout: its messages, stamped with its id,
// and its committed updates; failures are counted and reported once per outage, and updates
// that could not be announced go out as ticks with the next heartbeat (S91).
import type { Fanout } from '../fanout.js'
import { encodeNodeMessage, NodeMessageType, type NodeMessage } from './messages.js'

/** One node's side of the channels. */
export interface NodePublisher {
  /** Publishes `message` on `channel`; `onFailure` runs when the fanout refuses it. */
  publish(channel: string, message: NodeMessage, onFailure?: () => void): void
  /** Announces a committed update of `table`'s `generation` (empty: a tick, read from the store). */
  announce(table: string, seq: number, update: Uint8Array, generation: number): void
  /** Announces that `table` was deleted (S210), again with the next heartbeat when it fails. */
  announceDeleted(table: string, generation: number): void
  /**
   * Announces, as ticks, the newest update of each table that could not be announced, and the
   * deletions that could not be.
   */
  announceMissed(): void
  /** Messages that could not be handed to the fanout. */
  readonly failures: number
}

/** A publisher of node `nodeId`; `channelOf` names a table's channel. */
export function createNodePublisher(
  fanout: Fanout,
  nodeId: string,
  channelOf: (table: string) => string,
  report: (cause: unknown, what: string) => void,
): NodePublisher {
  // Tables whose update could not be announced (Redis unreachable): ticks go out when it is back.
  const unannounced = new Map<string, { seq: number; generation: number }>()
  const deletions = new Map<string, number>()
  let isReporting = true
  let failures = 0
  const publisher: NodePublisher = {
    get failures() {
      return failures
    },
    publish(channel, message, onFailure) {
      fanout.publish(channel, encodeNodeMessage(message)).then(
        () => {
          isReporting = true
        },
        (cause: unknown) => {
          failures++
          onFailure?.()
          // One report per outage, not one per update.
          if (isReporting) report(cause, 'Redis: publishing to the other nodes failed')
          isReporting = false
        },
      )
    },
    announce(table, seq, update, generation) {
      const message = { type: NodeMessageType.Update, node: nodeId, seq, update, generation }
      publisher.publish(channelOf(table), message, () => {
        const missed = unannounced.get(table) ?? { seq: 0, generation }
        // A later generation's numbers start again: its newest is what the tick must name.
        if (generation > missed.generation) unannounced.set(table, { seq, generation })
        else if (generation === missed.generation)
          unannounced.set(table, { seq: Math.max(seq, missed.seq), generation })
      })
    },
    announceDeleted(table, generation) {
      const message = { type: NodeMessageType.Deleted, node: nodeId, generation } as const
      publisher.publish(channelOf(table), message, () => {
        deletions.set(table, Math.max(generation, deletions.get(table) ?? 0))
      })
    },
    announceMissed() {
      for (const [table, { seq, generation }] of unannounced) {
        unannounced.delete(table)
        publisher.announce(table, seq, new Uint8Array(), generation)
      }
      for (const [table, generation] of deletions) {
        deletions.delete(table)
        publisher.announceDeleted(table, generation)
      }
    },
  }
  return publisher
}

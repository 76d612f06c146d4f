// Which other nodes are alive (S93): the heartbeat this node sends, and the departure of a node
// that left or fell silent, with the presence states it announced. Knows nothing about Redis.
import * as awarenessProtocol from 'y-protocols/awareness'
import type { FollowedTable } from './table-link.js'

/**
 * S93: beats every quarter of `timeoutMs` and reports a node unheard for `timeoutMs` (or that
 * said it leaves) as departed, once.
 */
export function watchNodes(
  timeoutMs: number,
  beat: () => void,
  departed: (node: string) => void,
): { seen(node: string, isLeaving: boolean): void; count(): number; stop(): void } {
  const lastSeen = new Map<string, number>()
  const timer = setInterval(
    () => {
      beat()
      const now = Date.now()
      for (const [node, seenMs] of lastSeen) {
        if (now - seenMs <= timeoutMs) continue
        lastSeen.delete(node)
        departed(node)
      }
    },
    Math.max(10, Math.floor(timeoutMs / 4)),
  )
  timer.unref()
  return {
    seen(node, isLeaving) {
      if (!isLeaving) {
        lastSeen.set(node, Date.now())
        return
      }
      lastSeen.delete(node)
      departed(node)
    },
    count: () => lastSeen.size,
    stop() {
      clearInterval(timer)
    },
  }
}

/** S93: removes the presence states `node` announced from every followed table's room. */
export function removePresenceOf(node: string, tables: Iterable<FollowedTable>): void {
  for (const entry of tables) {
    if (entry.room === undefined) continue
    const ids = entry.owners.takeNode(node)
    if (ids.length > 0)
      awarenessProtocol.removeAwarenessStates(entry.room.awareness, ids, entry.link)
  }
}

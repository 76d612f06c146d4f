// The truthful "unsaved changes" count (docs/protocol.md §3, S43): local changes are counted
// when made and forgotten only when the server acknowledges a saved(n) request sent after them.
import { encodeMessage } from '../src/internal.js'

/** Counts local changes and matches them to the server's saved acknowledgements. */
export interface SavedTracker {
  /** Local changes (transactions) not yet acknowledged as durable by the server. */
  readonly unsaved: number
  /** Records one local change (its update has been handed to the connection). */
  countChange(): void
  /** Adds changes restored from local storage that the server may not have yet. */
  restore(count: number): void
  /** Sends saved(n) covering every change counted so far, when a connection is open. */
  request(): void
  acknowledge(requestId: number): void
  /** A connection closed: its requests will never be answered; the next sync resends. */
  reset(): void
}

export function createSavedTracker(
  send: (bytes: Uint8Array) => boolean,
  onChange: (unsaved: number) => void,
): SavedTracker {
  let counted = 0
  let acknowledged = 0
  let nextRequest = 1
  // requestId -> the value of `counted` when the request was sent.
  const pending = new Map<number, number>()
  let scheduled = false

  const changed = (before: number): void => {
    if (counted - acknowledged !== before) onChange(counted - acknowledged)
  }

  const tracker: SavedTracker = {
    get unsaved() {
      return counted - acknowledged
    },
    countChange() {
      const before = tracker.unsaved
      counted++
      changed(before)
      // Batch: one request after a burst of changes made in the same task.
      if (scheduled) return
      scheduled = true
      queueMicrotask(() => {
        scheduled = false
        tracker.request()
      })
    },
    restore(count) {
      if (count <= 0) return
      const before = tracker.unsaved
      counted += count
      changed(before)
    },
    request() {
      if (counted === acknowledged) return
      const requestId = nextRequest++
      if (send(encodeMessage({ type: 'saved', requestId }))) pending.set(requestId, counted)
    },
    acknowledge(requestId) {
      const covered = pending.get(requestId)
      if (covered === undefined) return
      for (const id of pending.keys()) if (id <= requestId) pending.delete(id)
      const before = tracker.unsaved
      acknowledged = Math.max(acknowledged, covered)
      changed(before)
    },
    reset() {
      pending.clear()
    },
  }
  return tracker
}

// One table's updates from the other nodes, applied in store order (S91): messages that arrive
// early wait for the missing ones, and a gap that outlives a short wait is read from the store.
// Knows nothing about Redis or sockets.
import { TesseraError, type Store } from '../../src/index.js'

/** Options of `createTableFeed`. */
export interface TableFeedOptions {
  table: string
  store: Store
  /** The sequence number the table was loaded at: every update up to it is held. */
  seq: number
  /**
   * Applies updates other nodes committed, oldest first, as one step; the first may be a
   * snapshot read from the store (either update format: apply with `applySnapshot`, S205).
   */
  apply(updates: Uint8Array[]): void
  /** Background failures (catching up from the store); the feed retries. */
  onError(error: TesseraError): void
  /** The store generation the table was loaded at (S210); default: not checked. */
  generation?: number
  /**
   * Catching up found the table deleted since (another generation, S210): the feed applies
   * nothing of the new table's and stops.
   */
  onDeleted?(generation: number): void
  /** How long a gap waits for its message before the store is read; default 100 ms. */
  gapWaitMs?: number
}

/** The sequencer of one loaded table. */
export interface TableFeed {
  /** Every update up to this sequence number is held (applied or this node's own). */
  readonly seq: number
  /** An update another node committed; an empty one is a tick (read it from the store). */
  receive(seq: number, update: Uint8Array): void
  /** This node committed `seq` itself: its copy already holds it. */
  own(seq: number): void
  /** Reads everything after `seq` from the store (after the fanout lost messages). */
  catchUp(): Promise<void>
  /** Stops: later messages and timers do nothing. */
  close(): void
}

const held = Symbol('held')

/** Creates the feed of a table loaded at `options.seq`. */
export function createTableFeed(options: TableFeedOptions): TableFeed {
  const { table, store, gapWaitMs = 100 } = options
  let seq = options.seq
  // Entries past a gap, by sequence number: bytes to apply, or `held` for this node's own.
  const ahead = new Map<number, Uint8Array | typeof held>()
  let gapTimer: NodeJS.Timeout | undefined
  let reading: Promise<void> | undefined
  let isRequested = false
  let isClosed = false
  const armGap = (delayMs: number): void => {
    gapTimer ??= setTimeout(() => {
      gapTimer = undefined
      void feed.catchUp()
    }, delayMs)
  }

  /** Applies the run of entries that follows `seq`; arms the gap timer for what stays ahead. */
  const drain = (): void => {
    const updates: Uint8Array[] = []
    for (let next = ahead.get(seq + 1); next !== undefined; next = ahead.get(seq + 1)) {
      ahead.delete(++seq)
      if (next !== held) updates.push(next)
    }
    if (updates.length > 0) options.apply(updates)
    if (ahead.size === 0) {
      clearTimeout(gapTimer)
      gapTimer = undefined
    } else armGap(gapWaitMs)
  }

  /** S210: a deletion message may be lost (Redis down), but the store's generation is not. */
  const isDeletedSince = (generation: number | undefined): boolean => {
    if (options.generation === undefined || generation === undefined) return false
    if (generation === options.generation) return false
    feed.close()
    options.onDeleted?.(generation)
    return true
  }

  const read = async (): Promise<void> => {
    do {
      isRequested = false
      const stored = await store.load(table, { afterSeq: seq })
      if (isClosed) return
      if (isDeletedSince(stored.generation)) return
      const updates = stored.snapshot === undefined ? [] : [stored.snapshot]
      updates.push(...stored.updates)
      if (updates.length > 0) options.apply(updates)
      seq = Math.max(seq, stored.seq)
      for (const key of ahead.keys()) if (key <= seq) ahead.delete(key)
      clearTimeout(gapTimer)
      gapTimer = undefined
      drain()
    } while (isRequested && !isClosed)
  }

  const feed: TableFeed = {
    get seq() {
      return seq
    },
    receive(at, update) {
      if (isClosed || at <= seq || ahead.has(at)) return
      // S90: a tick names an update committed in the store (too large to relay, or relayed
      // while Redis was unreachable); everything up to it is committed too.
      if (update.byteLength === 0) {
        void feed.catchUp()
        return
      }
      ahead.set(at, update)
      drain()
    },
    own(at) {
      if (isClosed || at <= seq) return
      ahead.set(at, held)
      drain()
    },
    catchUp() {
      if (isClosed) return Promise.resolve()
      if (reading !== undefined) {
        isRequested = true
        return reading
      }
      reading = read()
        .catch((cause: unknown) => {
          const error =
            cause instanceof TesseraError
              ? cause
              : new TesseraError('STORAGE_FAILURE', String(cause), { cause })
          options.onError(error)
          // Retry later; the room keeps serving what it holds meanwhile.
          if (!isClosed) armGap(gapWaitMs * 10)
        })
        .finally(() => {
          reading = undefined
        })
      return reading
    },
    close() {
      isClosed = true
      clearTimeout(gapTimer)
      ahead.clear()
    },
  }
  return feed
}

// The window side of one room: its rows read straight from the doc (no Table), one sort index
// per distinct query shared by every window on it, indexes dropped after they sit unused, and the
// hook that flushes window sessions once what they would show is durable (docs/protocol.md §8).
import { canonicalJson, createDocRows, createSortIndex } from '../../src/internal.js'
import type { DocRows, SortIndex } from '../../src/internal.js'
import type { JsonValue, Query } from '../../src/index.js'
import type { Room } from '../room.js'

/** A window session as the room's window side sees it. */
export interface WindowFlusher {
  /** True when a window of the session has something to send. */
  readonly isDirty: boolean
  /** Sends what changed; called once what it reads is durable (with the error when not). */
  flush(error?: Error): void
}

/** A use of one sort index; `release` once the window closes. */
export interface IndexLease {
  readonly index: SortIndex
  release(): void
}

export interface RoomWindows {
  readonly rows: DocRows
  /** The shared index of `query` (its where and orderBy), built on first use. */
  acquire(query: Query): IndexLease
  /** Asks for `flusher.flush` after the commit of everything applied so far. */
  requestFlush(flusher: WindowFlusher): void
  join(flusher: WindowFlusher): void
  leave(flusher: WindowFlusher): void
  /** The number of indexes kept (for metrics and tests). */
  readonly indexCount: number
}

export interface RoomWindowsOptions {
  /** How long an index no window uses is kept; default 60 s. */
  indexIdleMs: number
}

const byRoom = new WeakMap<Room, RoomWindows>()

/** The window side of `room`, made on first use and dropped with the room's doc. */
export function roomWindowsOf(room: Room, options: RoomWindowsOptions): RoomWindows {
  let windows = byRoom.get(room)
  if (windows === undefined) {
    windows = createRoomWindows(room, options)
    byRoom.set(room, windows)
  }
  return windows
}

interface Entry {
  readonly index: SortIndex
  leases: number
  idleTimer: NodeJS.Timeout | undefined
}

function createRoomWindows(room: Room, options: RoomWindowsOptions): RoomWindows {
  const rows = createDocRows(room.doc)
  const indexes = new Map<string, Entry>()
  const flushers = new Set<WindowFlusher>()
  const scheduled = new Set<WindowFlusher>()

  const drop = (key: string, entry: Entry): void => {
    clearTimeout(entry.idleTimer)
    entry.index.dispose()
    indexes.delete(key)
  }
  const requestFlush = (flusher: WindowFlusher): void => {
    if (scheduled.has(flusher)) return
    scheduled.add(flusher)
    // Windows show only what is durable (S139): what they read was applied before this call.
    room.afterDurable((error) => {
      scheduled.delete(flusher)
      if (flushers.has(flusher)) flusher.flush(error)
    })
  }
  // Registered after the room's own listener, so the update already joined the open commit.
  const onUpdate = (): void => {
    for (const flusher of flushers) if (flusher.isDirty) requestFlush(flusher)
  }
  room.doc.on('update', onUpdate)
  room.doc.on('destroy', () => {
    room.doc.off('update', onUpdate)
    for (const [key, entry] of indexes) drop(key, entry)
    rows.destroy()
  })

  return {
    rows,
    acquire(query) {
      const key = canonicalJson({
        where: (query.where ?? null) as JsonValue,
        orderBy: (query.orderBy ?? null) as JsonValue,
      })
      let entry = indexes.get(key)
      if (entry === undefined) {
        const index = createSortIndex(rows, query, { schedule: (run) => setImmediate(run) })
        entry = { index, leases: 0, idleTimer: undefined }
        indexes.set(key, entry)
      }
      const held = entry
      clearTimeout(held.idleTimer)
      held.leases++
      let isHeld = true
      return {
        index: held.index,
        release() {
          if (!isHeld) return
          isHeld = false
          held.leases--
          if (held.leases > 0) return
          held.idleTimer = setTimeout(() => {
            if (held.leases === 0 && indexes.get(key) === held) drop(key, held)
          }, options.indexIdleMs)
          held.idleTimer.unref()
        },
      }
    },
    requestFlush,
    join(flusher) {
      flushers.add(flusher)
    },
    leave(flusher) {
      flushers.delete(flusher)
      scheduled.delete(flusher)
    },
    get indexCount() {
      return indexes.size
    },
  }
}

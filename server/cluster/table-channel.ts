// Following one table's channel for a room that is loading: what arrives meanwhile is kept, and
// the room's link starts once it has loaded (S91). Knows the Fanout port, not Redis.
import type { Fanout, Unsubscribe } from '../fanout.js'
import {
  followTable,
  startLink,
  type FollowedTable,
  type LinkContext,
  type LinkedRoom,
  type RoomLink,
} from './table-link.js'

/** A table followed before its room is loaded, so nothing committed meanwhile is missed. */
export interface Follower {
  /** Attaches the room loaded at `seq`; messages that arrived during the load apply now. */
  start(room: LinkedRoom, seq: number): RoomLink
  /** Stops following (the load failed). */
  cancel(): void
}

/**
 * Subscribes to `table`'s channel, handing what arrives to `receive`, for a room that is loading
 * (in `tables.pending` until its follower starts, then in `tables.followed`).
 */
export async function followTableChannel(
  table: string,
  channel: string,
  fanout: Fanout,
  tables: { followed: Map<string, FollowedTable>; pending: Set<FollowedTable> },
  receive: (entry: FollowedTable, bytes: Uint8Array) => void,
  linkContext: LinkContext,
): Promise<Follower> {
  const { followed, pending } = tables
  const entry = followTable(table)
  pending.add(entry)
  let unsubscribe: Unsubscribe | undefined = await fanout.subscribe(channel, (bytes) => {
    receive(entry, bytes)
  })
  const stop = (): void => {
    unsubscribe?.()
    unsubscribe = undefined
    entry.feed?.close()
    pending.delete(entry)
    if (followed.get(table) === entry) followed.delete(table)
  }
  return {
    cancel: stop,
    start(room, seq) {
      pending.delete(entry)
      followed.set(table, entry)
      return startLink(linkContext, entry, room, seq, stop)
    },
  }
}

// A window client's own edits that the server has not acknowledged as durable: each one's Yjs
// update (sent again on every connection until acknowledged) and what it does to rows (so the
// window shows it at once). The items of acknowledged edits are kept for the next writes until
// the server's next window message, which names them; knows saved(n), not sockets or IndexedDB.
import type { CellValue, RowId } from '../../src/index.js'
import { encodeMessage, type ItemId } from '../../src/internal.js'

/** What one edit does to one row, as the window shows it before the server answers. */
export type RowEdit =
  | {
      readonly kind: 'insert'
      readonly id: RowId
      readonly item: ItemId
      readonly incarnation: unknown
      readonly position: string
      /** Stored values by column id. */
      readonly cells: Readonly<Record<string, CellValue>>
    }
  | {
      readonly kind: 'cells'
      readonly id: RowId
      /** Stored values by column id; the column id "" is the position. */
      readonly cells: Readonly<Record<string, CellValue>>
      /** The Yjs item each written key now has (what a later write of the key replaces). */
      readonly items: Readonly<Record<string, ItemId>>
    }
  | { readonly kind: 'delete'; readonly id: RowId }

/** One local transaction: its update and its row edits. */
export interface PendingEdit {
  readonly seq: number
  readonly update: Uint8Array
  readonly edits: readonly RowEdit[]
}

/** The unacknowledged edits, in the order they were made. */
export interface PendingEdits {
  /**
   * The edits whose items the next writes must name: the acknowledged ones the server's window
   * messages may not name yet, then the unacknowledged ones.
   */
  readonly list: readonly PendingEdit[]
  /**
   * The unacknowledged edits: what the window lays over the server's answer (S138) and the
   * offline copy must keep. An acknowledged edit is in the answer already: the server sends a
   * window's message for a commit before the acknowledgement of that commit.
   */
  readonly unsaved: readonly PendingEdit[]
  /** True while a saved request sent on the open connection is unanswered. */
  readonly isAwaitingSaved: boolean
  /** Records an edit (sent now when a connection is open). */
  add(update: Uint8Array, edits: readonly RowEdit[]): PendingEdit
  /** Puts back edits kept from an earlier session (the offline copy). */
  restore(edits: readonly PendingEdit[]): void
  /** A connection opened: sends every pending update again, then a saved request. */
  resend(): void
  /** Handles saved(n): forgets what it covers; true when something was forgotten. */
  acknowledge(requestId: number): boolean
  /**
   * A window message arrived: it names the items of every acknowledged edit (a window message
   * sent after saved(n) reflects everything n covers), so their own items are not needed.
   */
  answered(): void
  /** The connection closed: its requests will never be answered. */
  reset(): void
}

/** Tracks edits sent through `send` (false when no connection is open). */
export function createPendingEdits(
  send: (bytes: Uint8Array) => boolean,
  onChange: (list: readonly PendingEdit[]) => void,
): PendingEdits {
  let list: PendingEdit[] = []
  let settled: PendingEdit[] = []
  let nextSeq = 1
  let nextRequest = 1
  // requestId -> the last seq it covers.
  const requests = new Map<number, number>()
  let isScheduled = false

  const request = (): void => {
    const last = list.at(-1)
    if (last === undefined) return
    const requestId = nextRequest++
    if (send(encodeMessage({ type: 'saved', requestId }))) requests.set(requestId, last.seq)
  }
  const scheduleRequest = (): void => {
    // One request after a burst of edits made in the same task.
    if (isScheduled) return
    isScheduled = true
    queueMicrotask(() => {
      isScheduled = false
      request()
    })
  }

  return {
    get list() {
      return settled.length === 0 ? list : [...settled, ...list]
    },
    get unsaved() {
      return list
    },
    get isAwaitingSaved() {
      return requests.size > 0
    },
    add(update, edits) {
      const edit: PendingEdit = { seq: nextSeq++, update, edits }
      list = [...list, edit]
      onChange(list)
      if (send(encodeMessage({ type: 'sync-update', update }))) scheduleRequest()
      return edit
    },
    restore(edits) {
      if (edits.length === 0) return
      // Called before the first connection: no request is outstanding, so seqs may be renumbered.
      list = [...edits, ...list].map((edit) => ({ ...edit, seq: nextSeq++ }))
      onChange(list)
    },
    resend() {
      for (const edit of list) send(encodeMessage({ type: 'sync-update', update: edit.update }))
      request()
    },
    acknowledge(requestId) {
      const covered = requests.get(requestId)
      if (covered === undefined) return false
      for (const id of requests.keys()) if (id <= requestId) requests.delete(id)
      const kept = list.filter((edit) => edit.seq > covered)
      if (kept.length === list.length) return false
      settled = [...settled, ...list.filter((edit) => edit.seq <= covered)]
      list = kept
      onChange(list)
      return true
    },
    answered() {
      settled = []
    },
    reset() {
      requests.clear()
    },
  }
}

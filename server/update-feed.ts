// A room's feed of its document's updates: each transaction's update as Yjs encodes it, except
// a transaction that changed exactly what one incoming update holds, which is fed that update's
// own bytes and is never encoded for the room (S225). Knows the doc, not peers or stores.
import type * as Y from 'yjs'

/** Receives each update once, in the order of the transactions that made them. */
export type UpdateHandler = (update: Uint8Array, origin: unknown) => void

/** The feed of one doc. */
export interface UpdateFeed {
  /**
   * Feeds `update` for `transaction`, which has not been cleaned up yet and changed exactly what
   * `update` holds (nothing pending, nothing corrected, no struct the doc had): Yjs then has no
   * update to encode for the room. The caller must not change the doc further in `transaction`.
   */
  asReceived(transaction: Y.Transaction, update: Uint8Array): void
}

/** Feeds every update of `doc` to `handle`, starting now. */
export function feedUpdates(doc: Y.Doc, handle: UpdateHandler): UpdateFeed {
  let received: { transaction: Y.Transaction; update: Uint8Array } | undefined
  // Yjs encodes a transaction's update only while doc._observers has an 'update' entry; while
  // the room's listener is the only one, the entry is parked here (the same Set, so nothing is
  // allocated and the listener order is kept).
  let parked: Set<unknown> | undefined
  doc.on('update', handle)
  const listen = (): void => {
    if (parked === undefined) return
    const added = doc._observers.get('update')
    doc._observers.set('update', added === undefined ? parked : new Set([...parked, ...added]))
    parked = undefined
  }
  // Yjs emits afterTransactionCleanup for each transaction (nested ones after it, in order)
  // right before it encodes the transaction's update. So the entry is parked only from there to
  // the next transaction's observers (or the end of this one): every other transaction is
  // encoded and fed as before, in order. With other listeners (windows, S139), Yjs encodes
  // anyway and the room is fed those bytes.
  doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => {
    if (received?.transaction !== transaction) return
    const { update } = received
    received = undefined
    const listeners = doc._observers.get('update')
    if (listeners?.size !== 1 || !listeners.has(handle)) return
    parked = listeners
    doc._observers.delete('update')
    // The bytes may be a view into a socket's read buffer, which must not be kept alive.
    handle(update.slice(), transaction.origin)
  })
  doc.on('beforeObserverCalls', listen)
  doc.on('afterAllTransactions', listen)
  return {
    asReceived(transaction, update) {
      received = { transaction, update }
    },
  }
}

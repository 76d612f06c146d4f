// Rows that this client's undo or redo brought back, watched for changes that reach it later
// (docs/semantics.md S277): an edit made concurrently with the row's delete, or the server's
// reclaim of one, arriving after an offline undo. Knows nothing of the UndoManager.
import type * as Y from 'yjs'
import type { Table } from '../src/index.js'
import {
  noteWritten,
  recordedCells,
  repairRestored,
  touchedRows,
  tableMaps,
  type RecordedRow,
  type RestoredRow,
  type RowState,
} from '../src/internal.js'

/** At most this many restored rows are watched; the oldest are forgotten first. */
export const maxWatchedRows = 1000

export interface RestoredRows {
  /** Watches rows the transaction that started at `fromClock` (this client's) brought back. */
  add(restored: readonly { row: RecordedRow; state: RowState }[], fromClock: number): void
  /** How many rows are watched. */
  readonly size: number
  destroy(): void
}

/**
 * Watches restored rows: a remote transaction that touches one has its recorded cells written
 * back (in a transaction of `origin`, which undo does not track) where S277 says; this client's
 * own later writes to a cell end the watch of that cell.
 */
export function createRestoredRows(table: Table, origin: object): RestoredRows {
  const { doc } = table
  const maps = tableMaps(doc)
  const watched = new Map<string, RestoredRow>()
  const onTransaction = (transaction: Y.Transaction): void => {
    if (watched.size === 0 || transaction.origin === origin) return
    if (transaction.local) {
      // This client's own write of a cell (an edit, or a later undo) is what it reads from then on.
      const columns = table.columns()
      for (const [key, restored] of watched)
        if (!noteWritten(maps, columns, transaction, restored)) watched.delete(key)
      return
    }
    const { ids, lives } = touchedRows(maps, transaction)
    const touched = [...watched].filter(
      ([, { row }]) => ids.has(row.id) || (typeof row.inc === 'string' && lives.has(row.inc)),
    )
    if (touched.length === 0) return
    doc.transact(() => {
      for (const [key, restored] of touched)
        if (!repairRestored(maps, table.columns(), restored)) watched.delete(key)
    }, origin)
  }
  doc.on('afterTransaction', onTransaction)
  return {
    add(restored, fromClock) {
      // Only the newest rows are kept: an undo of a delete of 100,000 rows watches its last 1,000.
      for (const { row, state } of restored.slice(-maxWatchedRows)) {
        const key = `${row.id}\u0000${String(row.inc)}`
        watched.delete(key)
        const copy = {
          id: row.id,
          inc: row.inc,
          position: row.position,
          cells: new Map(recordedCells(row)),
        }
        watched.set(key, { row: copy, state, client: doc.clientID, fromClock })
      }
      for (const key of watched.keys()) {
        if (watched.size <= maxWatchedRows) break
        watched.delete(key)
      }
    },
    get size() {
      return watched.size
    },
    destroy() {
      doc.off('afterTransaction', onTransaction)
      watched.clear()
    },
  }
}

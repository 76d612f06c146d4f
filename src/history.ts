// A table's past read back from the Store port: the state at a time is the nearest snapshot at or
// before it plus the log entries up to it (docs/history.md). No I/O of its own: it reads the port.
import * as Y from 'yjs'
import { TesseraError } from './errors.js'
import type { LoggedUpdate, SnapshotInfo, Store } from './ports/store.js'
import { applySnapshot } from './snapshot.js'

/** How many log entries one `readLog` call asks for while replaying. */
const pageSize = 2000

/** Where a replay starts: a snapshot (its seq and bytes) or the empty table (seq 0). */
export interface ReplayStart {
  seq: number
  atMs: number
  snapshot?: Uint8Array
}

/**
 * The oldest time the table can be read at: the history base's time, or 0 when the log was never
 * trimmed (it then starts from the empty table). Resolves undefined for a table never written.
 */
export async function historyStartMs(store: Store, table: string): Promise<number | undefined> {
  const [first] = await store.readLog(table, 0, 1)
  const [base] = await store.snapshots(table)
  if (first === undefined && base === undefined) return undefined
  if (first?.seq === 1) return 0
  return base?.atMs ?? 0
}

/**
 * Picks where to replay from to reach `atMs`: the newest snapshot at or before it, else the empty
 * table when the log is whole from entry 1.
 * @throws HISTORY_UNAVAILABLE when `atMs` is older than the retained history
 */
export async function replayStart(store: Store, table: string, atMs: number): Promise<ReplayStart> {
  const snapshots = await store.snapshots(table)
  const nearest = snapshots.filter((info) => info.atMs <= atMs).at(-1)
  if (nearest !== undefined) return fromSnapshot(store, table, nearest)
  const [first] = await store.readLog(table, 0, 1)
  if (snapshots.length === 0 || first?.seq === 1) return { seq: 0, atMs: 0 }
  throw new TesseraError(
    'HISTORY_UNAVAILABLE',
    `table "${table}" keeps history from ${new Date(snapshots[0]!.atMs).toISOString()} on; ask for a later time (or raise --history-retention)`,
    { details: { fromMs: snapshots[0]!.atMs } },
  )
}

const fromSnapshot = async (
  store: Store,
  table: string,
  info: SnapshotInfo,
): Promise<ReplayStart> => {
  const snapshot = await store.readSnapshot(table, info.seq)
  if (snapshot === undefined) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `table "${table}": snapshot ${info.seq} vanished while it was read (trimmed meanwhile); retry`,
    )
  }
  return { seq: info.seq, atMs: info.atMs, snapshot }
}

/**
 * Calls `visit` with each log entry after `afterSeq`, oldest first, while its time is at or
 * before `untilMs` (times never decrease within a table, so this is a prefix of the log).
 * Resolves to the sequence number of the last entry visited (`afterSeq` when none).
 */
export async function forEachLogged(
  store: Store,
  table: string,
  afterSeq: number,
  untilMs: number,
  visit: (entry: LoggedUpdate) => void,
): Promise<number> {
  let seq = afterSeq
  for (;;) {
    const page = await store.readLog(table, seq, pageSize)
    for (const entry of page) {
      if (entry.atMs > untilMs) return seq
      visit(entry)
      seq = entry.seq
    }
    if (page.length < pageSize) return seq
  }
}

/**
 * Rebuilds a table's document as it was at `atMs`: every update accepted at or before that time.
 * The caller owns the returned doc (destroy it when done). `seq` is the last entry it holds.
 * @throws HISTORY_UNAVAILABLE when `atMs` is older than the retained history
 * @throws STORAGE_FAILURE when the store fails or holds bytes that are not Yjs updates
 */
export async function loadDocAt(
  store: Store,
  table: string,
  atMs: number,
): Promise<{ doc: Y.Doc; seq: number }> {
  const start = await replayStart(store, table, atMs)
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  const seq = await forEachLogged(store, table, start.seq, atMs, (entry) => {
    updates.push(entry.update)
  })
  try {
    // One transaction: observers (a Table over the doc) see one change, not one per entry.
    doc.transact(() => {
      if (start.snapshot !== undefined) applySnapshot(doc, start.snapshot)
      for (const update of updates) Y.applyUpdate(doc, update)
    })
  } catch (cause) {
    doc.destroy()
    throw new TesseraError(
      'STORAGE_FAILURE',
      `table "${table}": its history holds bytes that are not Yjs updates; restore a backup`,
      { cause },
    )
  }
  return { doc, seq }
}

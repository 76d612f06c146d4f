// Copies a table's history up to a time from one Store to another: what point-in-time recovery
// rebuilds a database from (docs/operations.md). Only the Store port; works between any adapters.
import { TesseraError } from './errors.js'
import { loadDocAt } from './history.js'
import type { Store } from './ports/store.js'
import { encodeSnapshot } from './snapshot.js'

/** How many log entries one `append` of the copy carries. */
const batchSize = 1000

/** What `copyHistoryUntil` copied of one table. */
export interface CopiedTable {
  /** Log entries copied (dated at or before the time). */
  entries: number
  /** The sequence number of the last one: the table's state in the target. */
  seq: number
}

/**
 * Writes into `to` (where `table` must be empty) the history of `table` in `from` up to `untilMs`:
 * the history base, every log entry dated at or before it with its sequence number, time and
 * author, the checkpoints up to it, and a snapshot of the state at `untilMs` to load from.
 * Resolves undefined when the table did not exist yet at `untilMs`.
 * @throws HISTORY_UNAVAILABLE when `untilMs` is older than the table's history base
 */
export async function copyHistoryUntil(
  from: Store,
  to: Store,
  table: string,
  untilMs: number,
): Promise<CopiedTable | undefined> {
  const snapshots = await from.snapshots(table)
  const [first] = await from.readLog(table, 0, 1)
  const isWhole = snapshots.length === 0 || first?.seq === 1
  const base = isWhole ? undefined : snapshots[0]!
  if (base !== undefined && base.atMs > untilMs) {
    throw new TesseraError(
      'HISTORY_UNAVAILABLE',
      `table "${table}" has history from ${new Date(base.atMs).toISOString()} on; pick a later time`,
    )
  }
  let seq = 0
  let atMs = 0
  if (base !== undefined) {
    const bytes = await from.readSnapshot(table, base.seq)
    if (bytes === undefined)
      throw new TesseraError('STORAGE_FAILURE', `table "${table}": its history base vanished`)
    await to.compact(table, bytes, base.seq, { atMs: base.atMs })
    seq = base.seq
    atMs = base.atMs
  }
  const checkpoints = snapshots.filter((info) => info.seq > seq && info.atMs <= untilMs)
  let entries = 0
  for (let isDone = false; !isDone;) {
    const page = await from.readLog(table, seq, batchSize)
    // Times never decrease within a table: the entries up to `untilMs` are a prefix of the log.
    const end = page.findIndex((entry) => entry.atMs > untilMs)
    const kept = end === -1 ? page : page.slice(0, end)
    isDone = end !== -1 || page.length < batchSize
    if (kept.length === 0) break
    await to.append(
      table,
      kept.map(({ update, atMs: time, author }) => ({ update, atMs: time, author })),
    )
    const pageStart = seq
    seq = kept.at(-1)!.seq
    atMs = kept.at(-1)!.atMs
    entries += kept.length
    // Appended first, so the target's next sequence number is past every checkpoint copied.
    for (const checkpoint of checkpoints.filter(
      (info) => info.seq > pageStart && info.seq <= seq,
    )) {
      const bytes = await from.readSnapshot(table, checkpoint.seq)
      if (bytes !== undefined)
        await to.compact(table, bytes, checkpoint.seq, { atMs: checkpoint.atMs })
    }
  }
  const last = seq
  if (entries === 0 && base === undefined) return undefined
  const isCheckpointed = snapshots.some((info) => info.seq === last && info.atMs <= untilMs)
  if (!isCheckpointed) {
    const { doc } = await loadDocAt(from, table, untilMs)
    await to.compact(table, encodeSnapshot(doc), last, { atMs })
    doc.destroy()
  }
  return { entries, seq: last }
}

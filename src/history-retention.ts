// Which snapshots a compaction keeps and where history is trimmed (docs/history.md, "Retention").
// Pure: it decides from the snapshot list and a few sizes; the caller does the I/O.
import type { SnapshotInfo } from './ports/store.js'

/** What a compaction is about to store, and what the room knows of the log. */
export interface CompactionInput {
  /** The table's snapshots before this compaction, oldest first. */
  snapshots: readonly SnapshotInfo[]
  /**
   * The new snapshot: its sequence number, time and size as the store will keep it (compressed
   * in the server's stores, S185), in the units of `logBytesSinceNewest`.
   */
  next: SnapshotInfo
  /** Bytes of the log entries since the newest snapshot, as stored (what the room appended). */
  logBytesSinceNewest: number
  /** Keep history this long (ms); 0 keeps none. */
  retentionMs: number
  nowMs: number
}

/** What to do: the snapshot the new one replaces, and where to trim (both optional). */
export interface CompactionPlan {
  replaces?: number
  trimTo?: number
}

/**
 * Plans one compaction. The newest snapshot is kept as a checkpoint when replaying the log from
 * the previous checkpoint would cost more bytes than reading the new snapshot, so reading any
 * past time replays at most about one snapshot's worth of log; otherwise the new one replaces it.
 * The history base moves to the newest snapshot at least `retentionMs` old.
 */
export function planCompaction(input: CompactionInput): CompactionPlan {
  const { snapshots, next, retentionMs, nowMs } = input
  const plan: CompactionPlan = {}
  const newest = snapshots.at(-1)
  const previous = snapshots.at(-2)
  if (retentionMs === 0) {
    if (newest !== undefined) plan.replaces = newest.seq
    plan.trimTo = next.seq
    return plan
  }
  if (newest !== undefined && previous !== undefined && newest.seq !== next.seq) {
    const sinceNewest = Math.max(1, next.seq - newest.seq)
    const perEntry = input.logBytesSinceNewest / sinceNewest
    const replayBytes = perEntry * (next.seq - previous.seq)
    if (replayBytes < next.byteLength) plan.replaces = newest.seq
  }
  const kept = [...snapshots.filter((info) => info.seq !== plan.replaces), next]
  const cutoffMs = nowMs - retentionMs
  const base = kept.filter((info) => info.atMs <= cutoffMs).at(-1)
  // Trimming again at the same base drops nothing; the log before the first snapshot goes too.
  if (base !== undefined) plan.trimTo = base.seq
  return plan
}

// What a room adds to its log for history (docs/history.md): each group commit is stored as one
// log entry per run of one author's updates, dated by the server; compaction keeps checkpoints
// and trims what is older than the retention. Knows nothing about sockets or HTTP.
import * as Y from 'yjs'
import { type NewUpdate, type Store } from '../src/index.js'
import { planCompaction } from '../src/internal.js'
import { storedByteLength } from './snapshot-encoding.js'
import { updateOfRun } from './update-runs.js'

/** One applied update and who wrote it. */
export interface AuthoredUpdate {
  update: Uint8Array
  author: string | null
}

const mergeAll = (updates: Uint8Array[]): Uint8Array =>
  updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)

/**
 * The log entries of one group commit: consecutive updates of one author are merged into one
 * entry (so an edit that depends on another author's insert of the same commit keeps its order),
 * and the updates Yjs keeps pending go last, unattributed (they show once what they wait for arrives).
 */
export function logEntriesOf(
  updates: readonly AuthoredUpdate[],
  kept: readonly Uint8Array[],
  atMs: number,
): NewUpdate[] {
  const entries: NewUpdate[] = []
  let run: Uint8Array[] = []
  let author: string | null = null
  for (const [index, update] of updates.entries()) {
    if (index > 0 && update.author !== author) {
      entries.push({ update: updateOfRun(run), atMs, author })
      run = []
    }
    author = update.author
    run.push(update.update)
  }
  if (run.length > 0) entries.push({ update: updateOfRun(run), atMs, author })
  if (kept.length > 0) entries.push({ update: mergeAll([...kept]), atMs, author: null })
  return entries
}

/** A snapshot to store: the state that holds every log entry up to `seq` and no later one. */
export interface PendingSnapshot {
  state: Uint8Array
  seq: number
  atMs: number
}

/**
 * Stores a snapshot and applies the retention: the newest older snapshot is replaced or kept as a
 * checkpoint, and history older than `retentionMs` is trimmed (src/history-retention.ts).
 */
export async function compactWithHistory(
  store: Store,
  table: string,
  snapshot: PendingSnapshot,
  options: { logBytesSinceNewest: number; retentionMs: number; nowMs: number },
): Promise<void> {
  // S102: like for like: the log's bytes as stored against the snapshot's bytes as stored
  // (compressed, S185), as `snapshots()` lists the others.
  const byteLength = storedByteLength(snapshot.state)
  const plan = planCompaction({
    snapshots: await store.snapshots(table),
    next: { seq: snapshot.seq, atMs: snapshot.atMs, byteLength },
    ...options,
  })
  await store.compact(
    table,
    snapshot.state,
    snapshot.seq,
    plan.replaces === undefined
      ? { atMs: snapshot.atMs }
      : { atMs: snapshot.atMs, replaces: plan.replaces },
  )
  if (plan.trimTo !== undefined) await store.trim(table, plan.trimTo)
}

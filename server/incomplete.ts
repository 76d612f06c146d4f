// Updates Yjs keeps pending because they depend on changes the server never received
// (docs/protocol.md §3): what the document must reach before such an update counts as applied,
// and the saved(n) requests of one connection that wait for it. Pure bookkeeping over Yjs.
import * as Y from 'yjs'
import { TesseraError } from '../src/index.js'
import type { UpdateShape } from './update-check.js'

/**
 * Most bytes of pending content one table holds in memory. A connection whose update takes the
 * table over it is closed and the pending content dropped: its clients resend it on reconnect.
 */
export const maxIncompleteBytes = 4 * 1024 * 1024

/** Bytes of the content Yjs keeps pending in `doc` (structs and deletions). */
export function incompleteBytes(doc: Y.Doc): number {
  const { pendingStructs, pendingDs } = doc.store
  return (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0)
}

/**
 * Drops what Yjs keeps pending in `doc` when it holds more than `maxIncompleteBytes`; returns
 * the error to close the connection that went over with.
 */
export function dropIfOverflowing(doc: Y.Doc): TesseraError | undefined {
  if (incompleteBytes(doc) <= maxIncompleteBytes) return undefined
  doc.store.pendingStructs = null
  doc.store.pendingDs = null
  return new TesseraError(
    'INCOMPLETE_UPDATE',
    `over ${maxIncompleteBytes} bytes wait for changes the server lacks; send those first`,
  )
}

/**
 * True when Yjs can integrate all of an update into `doc` now: each client's structs start at
 * or before what `doc` holds (and skip nothing it lacks), and every id the update refers to is
 * in `doc` or in the update. A partial-rights writer's update that fails this is not applied
 * at all (S34), so its deletions are never judged apart from the writes they belong to.
 */
export function canIntegrate(doc: Y.Doc, shape: UpdateShape): boolean {
  const reach = new Map<number, number>()
  for (const [client, { from, to, skipsTo }] of shape.clients) {
    const state = Y.getState(doc.store, client)
    if (from > state || skipsTo > state) return false
    reach.set(client, Math.max(state, to))
  }
  for (const [client, end] of shape.refers) {
    if (end > (reach.get(client) ?? Y.getState(doc.store, client))) return false
  }
  return true
}

/** What Yjs keeps pending in a document, copied so that it can be put back. */
export interface PendingState {
  readonly structs: { missing: Map<number, number>; update: Uint8Array } | null
  readonly ds: Uint8Array | null
}

/** A copy of what `doc` keeps pending (Yjs changes its pending record in place). */
export function pendingStateOf(doc: Y.Doc): PendingState {
  const structs = doc.store.pendingStructs
  return {
    structs:
      structs === null ? null : { missing: new Map(structs.missing), update: structs.update },
    ds: doc.store.pendingDs,
  }
}

/** Puts back what `doc` kept pending before an update: the update's own waiting part is gone. */
export function restorePendingState(doc: Y.Doc, state: PendingState): void {
  doc.store.pendingStructs = state.structs
  doc.store.pendingDs = state.ds
}

/** Per client, the clock the document must reach to hold every struct and deletion of `update`. */
export type Needs = Map<number, number>

/** What `update` needs: its structs, and the items its deletions refer to. */
export function needsOf(update: Uint8Array): Needs {
  const needs: Needs = new Map(Y.parseUpdateMeta(update).to)
  for (const [client, ranges] of Y.decodeUpdate(update).ds.clients) {
    for (const { clock, len } of ranges) {
      needs.set(client, Math.max(needs.get(client) ?? 0, clock + len))
    }
  }
  return needs
}

/** True once `doc` holds everything `needs` names (Yjs then applied the pending deletions too). */
export function isIntegrated(doc: Y.Doc, needs: Needs): boolean {
  for (const [client, clock] of needs) if (Y.getState(doc.store, client) < clock) return false
  return true
}

/** Most incomplete updates one connection tracks apart; more are merged (needs: the maximum). */
const maxTracked = 64

/** One connection's incomplete updates and the saved requests that wait for them. */
export interface IncompleteTracker {
  /** True while an update this connection sent is not integrated. */
  readonly isWaiting: boolean
  /** Records an update Yjs kept (partly) pending; true when nothing was waiting before. */
  add(needs: Needs): boolean
  /** Runs `release` once every update recorded so far is integrated (at once when none is). */
  defer(release: () => void): void
  /** Stops watching the document (the connection closed). */
  dispose(): void
}

/** Creates the tracker of one connection to `doc`; it watches `doc` while something waits. */
export function createIncompleteTracker(doc: Y.Doc): IncompleteTracker {
  let next = 0
  let updates: { index: number; needs: Needs }[] = []
  const waiting: { upTo: number; release: () => void }[] = []

  // Every change of the document may fill a gap; released requests run oldest first.
  const check = (): void => {
    updates = updates.filter((entry) => !isIntegrated(doc, entry.needs))
    const oldest = updates[0]?.index ?? Infinity
    while (waiting.length > 0 && waiting[0]!.upTo < oldest) waiting.shift()!.release()
    if (updates.length === 0) doc.off('update', check)
  }

  const tracker: IncompleteTracker = {
    get isWaiting() {
      return updates.length > 0
    },
    add(needs) {
      const isFirst = updates.length === 0
      if (isFirst) doc.on('update', check)
      if (updates.length >= maxTracked) {
        const merged: Needs = new Map()
        for (const entry of [...updates, { index: next, needs }]) {
          for (const [client, clock] of entry.needs)
            merged.set(client, Math.max(merged.get(client) ?? 0, clock))
        }
        updates = [{ index: next++, needs: merged }]
      } else updates.push({ index: next++, needs })
      return isFirst
    },
    defer(release) {
      if (updates.length === 0 && waiting.length === 0) release()
      else waiting.push({ upTo: next - 1, release })
    },
    dispose() {
      doc.off('update', check)
    },
  }
  return tracker
}

// The table's copy on this device, when `offline` asks for one: IndexedDB (offline-store.ts)
// plus the other tabs that share it (cross-tab.ts). Without `offline`, a copy that keeps nothing.
import type * as Y from 'yjs'
import { createCrossTab, type CrossTab } from './cross-tab.js'
import { createOfflineStore } from './offline-store.js'

/** The local copy of one table. */
export interface LocalCopy {
  /** True when the copy is kept (in IndexedDB): it may hold what the server refuses (S59). */
  readonly isKept: boolean
  /** Resolves once the stored copy is in the doc, with the unsaved count stored with it. */
  readonly whenLoaded: Promise<number>
  /** Resolves once every change so far is committed (at once when nothing is kept). */
  whenStored(): Promise<void>
  saveUnsaved(unsaved: number): void
  /** Stops relaying between tabs, waits for the last writes and closes the database. */
  close(): Promise<void>
}

/**
 * Opens the copy named `storeName` for `doc`, or none when undefined.
 * @throws INVALID_ARGUMENT when the runtime has no IndexedDB
 */
export function openLocalCopy(
  storeName: string | undefined,
  doc: Y.Doc,
  onError: (error: unknown) => void,
): LocalCopy {
  if (storeName === undefined) {
    return {
      isKept: false,
      whenLoaded: Promise.resolve(0),
      whenStored: () => Promise.resolve(),
      saveUnsaved: () => undefined,
      close: () => Promise.resolve(),
    }
  }
  const store = createOfflineStore(storeName, doc, onError)
  let crossTab: CrossTab | undefined
  const whenLoaded = (async () => {
    await store.whenLoaded
    const unsaved = await store.loadUnsaved()
    crossTab = createCrossTab(storeName, doc)
    return unsaved
  })()
  return {
    isKept: true,
    whenLoaded,
    whenStored: () => store.whenStored(),
    saveUnsaved(unsaved) {
      store.saveUnsaved(unsaved).catch(onError)
    },
    async close() {
      crossTab?.close()
      await whenLoaded.catch(() => undefined)
      await store.whenStored().catch(() => undefined)
      await store.destroy()
    },
  }
}

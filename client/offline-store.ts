// The table's copy in IndexedDB (y-indexeddb): loaded before any network answer, kept up to date
// with every update, plus the unsaved count, so a reload still tells the truth about it.
import type * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { TesseraError } from '../src/index.js'

/** One table kept in one IndexedDB database. */
export interface OfflineStore {
  /** Resolves once the stored updates are applied to the doc. */
  readonly whenLoaded: Promise<void>
  /** Resolves once every update written so far is committed to IndexedDB. */
  whenStored(): Promise<void>
  loadUnsaved(): Promise<number>
  saveUnsaved(count: number): Promise<void>
  destroy(): Promise<void>
}

export function createOfflineStore(name: string, doc: Y.Doc): OfflineStore {
  if (typeof indexedDB === 'undefined') {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'connectTable: offline needs IndexedDB, which this runtime lacks; in Node, import "fake-indexeddb/auto" first or leave offline off',
    )
  }
  const persistence = new IndexeddbPersistence(name, doc)
  const whenLoaded = persistence.whenSynced.then(() => undefined)
  return {
    whenLoaded,
    async whenStored() {
      await whenLoaded
      const db = persistence.db
      if (db === null) return
      // IndexedDB runs transactions on one store in order: this one completes after every
      // write y-indexeddb has queued before it.
      await new Promise<void>((resolve, reject) => {
        const transaction = db.transaction(['updates'], 'readonly')
        transaction.oncomplete = () => {
          resolve()
        }
        transaction.onerror = () => {
          reject(new TesseraError('STORAGE_FAILURE', 'IndexedDB failed to commit the table'))
        }
      })
    },
    async loadUnsaved() {
      const value: unknown = await persistence.get('unsaved')
      return typeof value === 'number' && value > 0 ? value : 0
    },
    async saveUnsaved(count) {
      await persistence.set('unsaved', count)
    },
    destroy: () => persistence.destroy(),
  }
}

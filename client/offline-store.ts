// The table's copy in IndexedDB: loaded before any network answer, in slices of one task each
// (S176), kept up to date with every update, plus the unsaved count, so a reload still tells the
// truth about it. The database is laid out as y-indexeddb's (an `updates` store of Yjs updates
// under increasing keys, a `custom` store), so copies written before keep opening.
import * as Y from 'yjs'
import * as idb from 'lib0/indexeddb'
import { TesseraError } from '../src/index.js'
import { sliceUpdate } from '../src/internal.js'

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

/** Past this many stored updates, they are folded into one (as y-indexeddb does). */
const foldAfter = 500
/** The stored updates are applied in slices of about this size, one per task (S176). */
const loadSliceBytes = 64 * 1024

/** Resolves in a new task (a message, which browsers do not throttle as nested timeouts). */
function taskQueue(): { next(): Promise<void>; close(): void } {
  const channel = new MessageChannel()
  const waiting: (() => void)[] = []
  channel.port1.onmessage = () => waiting.shift()?.()
  return {
    next: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve)
        channel.port2.postMessage(0)
      }),
    close() {
      channel.port1.close()
      channel.port2.close()
    },
  }
}

const failure = (what: string, cause: unknown): TesseraError =>
  new TesseraError('STORAGE_FAILURE', `IndexedDB failed to ${what}; reload the page`, { cause })

/** IndexedDB stores a Uint8Array as it is; lib0's types only name ArrayBuffer. */
const asStored = (update: Uint8Array): ArrayBuffer => update as unknown as ArrayBuffer

/**
 * Opens the copy named `name` for `doc`: applies what is stored, then stores every update.
 * A write that fails goes to `onError` as STORAGE_FAILURE; later writes are still tried.
 * @throws INVALID_ARGUMENT when the runtime has no IndexedDB
 */
export function createOfflineStore(
  name: string,
  doc: Y.Doc,
  onError: (error: TesseraError) => void,
): OfflineStore {
  if (typeof indexedDB === 'undefined') {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'connectTable: offline needs IndexedDB, which this runtime lacks; in Node, import "fake-indexeddb/auto" first or leave offline off',
    )
  }
  const origin = { offlineStore: name }
  let isDestroyed = false
  let stored = 0
  let lastWrite: Promise<unknown> = Promise.resolve()
  let foldTimer: ReturnType<typeof setTimeout> | undefined
  const whenDb = idb.openDB(name, (db) => {
    idb.createStores(db, [['updates', { autoIncrement: true }], ['custom']])
  })

  const write = (task: (db: IDBDatabase) => Promise<unknown>): void => {
    lastWrite = lastWrite
      .then(() => whenDb.then(task))
      .catch((cause: unknown) => {
        onError(failure('store the table', cause))
      })
  }

  const fold = (): void => {
    foldTimer = undefined
    if (isDestroyed) return
    // The whole state replaces the updates stored before it, in one transaction.
    const state = Y.encodeStateAsUpdate(doc)
    write(async (db) => {
      const [updates] = idb.transact(db, ['updates'])
      const last = (await idb.getLastKey(updates!)) as number
      await idb.addAutoKey(updates!, asStored(state))
      await idb.del(updates!, idb.createIDBKeyRangeUpperBound(last, false))
      stored = 1
    })
  }

  const onUpdate = (update: Uint8Array, from: unknown): void => {
    if (from === origin || isDestroyed) return
    write((db) => idb.addAutoKey(idb.transact(db, ['updates'])[0]!, asStored(update)))
    if (++stored >= foldAfter && foldTimer === undefined) foldTimer = setTimeout(fold, 1000)
  }
  doc.on('update', onUpdate)

  const load = async (db: IDBDatabase): Promise<void> => {
    // What the doc held before the copy was opened is stored like any update.
    if (doc.store.clients.size > 0) onUpdate(Y.encodeStateAsUpdate(doc), undefined)
    const updates = (await idb.getAll(
      idb.transact(db, ['updates'], 'readonly')[0]!,
    )) as Uint8Array[]
    stored += updates.length
    const tasks = taskQueue()
    try {
      // S176: one slice per task, so a big copy never holds the page for long.
      for (const update of updates) {
        for (const slice of sliceUpdate(update, loadSliceBytes)) {
          if (isDestroyed) return
          Y.applyUpdate(doc, slice, origin)
          await tasks.next()
        }
      }
    } finally {
      tasks.close()
    }
  }
  const whenLoaded = whenDb.then(load).catch((cause: unknown) => {
    throw cause instanceof TesseraError ? cause : failure('open the table', cause)
  })

  const custom = async (access: 'readonly' | 'readwrite'): Promise<IDBObjectStore> =>
    idb.transact(await whenDb, ['custom'], access)[0]!

  return {
    whenLoaded,
    async whenStored() {
      await whenLoaded
      await lastWrite
    },
    async loadUnsaved() {
      const value: unknown = await idb.get(await custom('readonly'), 'unsaved')
      return typeof value === 'number' && value > 0 ? value : 0
    },
    async saveUnsaved(count) {
      await idb.put(await custom('readwrite'), count, 'unsaved')
    },
    async destroy() {
      isDestroyed = true
      clearTimeout(foldTimer)
      doc.off('update', onUpdate)
      await lastWrite
      const db = await whenDb.catch(() => undefined)
      db?.close()
    },
  }
}

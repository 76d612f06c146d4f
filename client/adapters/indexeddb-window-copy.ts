// A window client's CopyStore over IndexedDB: one database per copy, one object store holding
// one value. Knows bytes only; what they mean is client/query/window-copy.ts's business.
import { TesseraError } from '../../src/index.js'
import type { CopyStore } from '../query/window-copy.js'

const storeName = 'window'
const key = 'copy'

const failure = (what: string, cause: unknown): TesseraError =>
  new TesseraError('STORAGE_FAILURE', `IndexedDB failed to ${what} the window's offline copy`, {
    cause,
  })

/** Resolves with a request's result; rejects with STORAGE_FAILURE. */
const settle = <T>(request: IDBRequest<T>, what: string): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => {
      resolve(request.result)
    }
    request.onerror = () => {
      reject(failure(what, request.error))
    }
  })

/**
 * Opens (creating when missing) the IndexedDB database `name` as a window copy's store.
 * @throws INVALID_ARGUMENT when the runtime has no IndexedDB
 */
export function openIndexedDbCopy(name: string): CopyStore {
  if (typeof indexedDB === 'undefined') {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'connectQuery: offline needs IndexedDB, which this runtime lacks; in Node, import "fake-indexeddb/auto" first or leave offline off',
    )
  }
  const request = indexedDB.open(name, 1)
  request.onupgradeneeded = () => {
    request.result.createObjectStore(storeName)
  }
  const opened = settle(request, 'open')
  const run = async <T>(
    mode: IDBTransactionMode,
    what: string,
    act: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> => {
    const db = await opened
    const transaction = db.transaction(storeName, mode)
    const result = settle(act(transaction.objectStore(storeName)), what)
    // Its failure also fails the transaction, which is what is reported.
    result.catch(() => undefined)
    // A write is durable once its transaction completes, not when its request succeeds.
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => {
        resolve()
      }
      transaction.onerror = () => {
        reject(failure(what, transaction.error))
      }
      transaction.onabort = () => {
        reject(failure(what, transaction.error))
      }
    })
    return result
  }
  return {
    async load() {
      const value: unknown = await run('readonly', 'read', (store) => store.get(key))
      return value instanceof Uint8Array ? value : undefined
    },
    async save(bytes) {
      await run('readwrite', 'write', (store) => store.put(bytes, key))
    },
    async close() {
      const db = await opened.catch(() => undefined)
      db?.close()
    },
  }
}

// The reference Store adapter: tables kept in memory. Used by tests, SSR and as the model
// that the SQLite and IndexedDB adapters are checked against (the contract suite).
import { TesseraError } from '../errors.js'
import type { Store, StoredTable } from './store.js'

interface Entry {
  snapshot?: Uint8Array
  snapshotSeq: number
  updates: { seq: number; bytes: Uint8Array }[]
  seq: number
}

/**
 * Creates a Store that keeps every table in memory (lost when the process exits).
 * Copies the bytes it is given, so callers may reuse their buffers.
 * @example
 * const store = createMemoryStore()
 * await store.append('todos', [update])
 * const { updates } = await store.load('todos')
 */
export function createMemoryStore(): Store {
  const tables = new Map<string, Entry>()
  let isClosed = false
  /** Runs `body` as an async step, so a closed store rejects instead of throwing. */
  const run = <T>(where: string, body: () => T): Promise<T> => {
    if (isClosed) {
      return Promise.reject(
        new TesseraError('CLOSED', `${where}: the store is closed; create a new one`),
      )
    }
    return Promise.resolve(body())
  }
  const entryFor = (table: string): Entry => {
    let entry = tables.get(table)
    if (entry === undefined) tables.set(table, (entry = { updates: [], seq: 0, snapshotSeq: 0 }))
    return entry
  }
  const isEmpty = (entry: Entry): boolean =>
    entry.snapshot === undefined && entry.updates.length === 0

  return {
    load: (table, { afterSeq = 0 } = {}) =>
      run('load', () => {
        const entry = tables.get(table)
        const seq = Math.max(afterSeq, entry?.seq ?? 0)
        const result: StoredTable = { updates: [], seq, updateBytes: 0 }
        if (entry?.snapshot !== undefined && entry.snapshotSeq > afterSeq)
          result.snapshot = entry.snapshot.slice()
        for (const update of entry?.updates ?? []) {
          if (update.seq <= afterSeq) continue
          result.updates.push(update.bytes.slice())
          result.updateBytes += update.bytes.byteLength
        }
        return result
      }),
    append: (table, updates) =>
      run('append', () => {
        const entry = entryFor(table)
        for (const bytes of updates) entry.updates.push({ seq: ++entry.seq, bytes: bytes.slice() })
        return entry.seq
      }),
    compact: (table, snapshot, seq) =>
      run('compact', () => {
        const entry = entryFor(table)
        if (entry.snapshot === undefined || entry.snapshotSeq <= seq) {
          entry.snapshot = snapshot.slice()
          entry.snapshotSeq = seq
        }
        entry.updates = entry.updates.filter((update) => update.seq > seq)
        entry.seq = Math.max(entry.seq, seq)
      }),
    list: () =>
      run('list', () =>
        [...tables]
          .filter(([, entry]) => !isEmpty(entry))
          .map(([name]) => name)
          .sort(),
      ),
    delete: (table) =>
      run('delete', () => {
        const entry = tables.get(table)
        tables.delete(table)
        return entry !== undefined && !isEmpty(entry)
      }),
    close() {
      isClosed = true
      return Promise.resolve()
    },
  }
}

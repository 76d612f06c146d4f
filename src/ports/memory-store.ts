// The reference Store adapter: tables kept in memory. Used by tests, SSR and as the model
// that the SQLite and PostgreSQL adapters are checked against (the contract suite).
import { TesseraError } from '../errors.js'
import type { LoggedUpdate, Store, StoredTable } from './store.js'

interface Snapshot {
  seq: number
  atMs: number
  bytes: Uint8Array
}

interface Entry {
  /** Oldest first. */
  snapshots: Snapshot[]
  log: LoggedUpdate[]
  seq: number
}

const copyEntry = (entry: LoggedUpdate): LoggedUpdate => ({
  ...entry,
  update: entry.update.slice(),
})

/**
 * Creates a Store that keeps every table in memory (lost when the process exits).
 * Copies the bytes it is given, so callers may reuse their buffers.
 * @example
 * const store = createMemoryStore()
 * await store.append('todos', [{ update, atMs: Date.now(), author: null }])
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
    if (entry === undefined) tables.set(table, (entry = { snapshots: [], log: [], seq: 0 }))
    return entry
  }
  const isEmpty = (entry: Entry): boolean => entry.snapshots.length === 0 && entry.log.length === 0

  const load = (table: string, afterSeq: number): StoredTable => {
    const entry = tables.get(table)
    const seq = Math.max(afterSeq, entry?.seq ?? 0)
    // A caller that holds everything up to `afterSeq` needs the snapshot only when it is newer.
    const last = entry?.snapshots.at(-1)
    const newest = last !== undefined && last.seq > afterSeq ? last : undefined
    const from = Math.max(afterSeq, newest?.seq ?? 0)
    const result: StoredTable = { updates: [], seq, updateBytes: 0, atMs: 0 }
    if (newest !== undefined) {
      result.snapshot = newest.bytes.slice()
      result.atMs = newest.atMs
    }
    for (const logged of entry?.log ?? []) {
      result.atMs = Math.max(result.atMs, logged.atMs)
      if (logged.seq <= from) continue
      result.updates.push(logged.update.slice())
      result.updateBytes += logged.update.byteLength
    }
    return result
  }

  return {
    load: (table, options) => run('load', () => load(table, options?.afterSeq ?? 0)),
    append: (table, updates) =>
      run('append', () => {
        const entry = entryFor(table)
        for (const { update, atMs, author } of updates)
          entry.log.push({ seq: ++entry.seq, update: update.slice(), atMs, author })
        return entry.seq
      }),
    compact: (table, snapshot, seq, options = {}) =>
      run('compact', () => {
        const entry = entryFor(table)
        // Only an older snapshot is replaced: the newest one always holds every update up to it.
        const isReplaced = (s: Snapshot): boolean =>
          s.seq === seq || (s.seq === options.replaces && s.seq < seq)
        const kept = entry.snapshots.filter((s) => !isReplaced(s))
        kept.push({ seq, atMs: options.atMs ?? 0, bytes: snapshot.slice() })
        entry.snapshots = kept.sort((a, b) => a.seq - b.seq)
        entry.seq = Math.max(entry.seq, seq)
      }),
    snapshots: (table) =>
      run('snapshots', () =>
        (tables.get(table)?.snapshots ?? []).map(({ seq, atMs, bytes }) => ({
          seq,
          atMs,
          byteLength: bytes.byteLength,
        })),
      ),
    readSnapshot: (table, seq) =>
      run('readSnapshot', () =>
        tables
          .get(table)
          ?.snapshots.find((s) => s.seq === seq)
          ?.bytes.slice(),
      ),
    readLog: (table, afterSeq, limit) =>
      run('readLog', () =>
        (tables.get(table)?.log ?? [])
          .filter((logged) => logged.seq > afterSeq)
          .slice(0, limit)
          .map(copyEntry),
      ),
    trim: (table, seq) =>
      run('trim', () => {
        const entry = tables.get(table)
        if (entry?.snapshots.some((s) => s.seq === seq) !== true) return false
        entry.snapshots = entry.snapshots.filter((s) => s.seq >= seq)
        entry.log = entry.log.filter((logged) => logged.seq > seq)
        return true
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

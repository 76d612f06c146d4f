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

/** The error of a write to a table deleted since its writer loaded it (S210). */
export const deletedSince = (table: string): TesseraError =>
  new TesseraError(
    'TABLE_NOT_FOUND',
    `table "${table}" was deleted while this write was on its way; nothing was stored (connect again to create it anew)`,
  )

/** Runs `body` as an async step, so a closed store, or a refusal (S210), rejects instead of throwing. */
function step<T>(isClosed: boolean, where: string, body: () => T): Promise<T> {
  if (isClosed)
    return Promise.reject(
      new TesseraError('CLOSED', `${where}: the store is closed; create a new one`),
    )
  try {
    return Promise.resolve(body())
  } catch (error) {
    // Only a refusal of the store's own (S210) is thrown here.
    return Promise.reject(
      error instanceof TesseraError ? error : new TesseraError('STORAGE_FAILURE', String(error)),
    )
  }
}

/** S210: refuses a write to a table deleted since the writer loaded it. */
function refuseIfDeleted(
  generations: ReadonlyMap<string, number>,
  table: string,
  generation: number | undefined,
): void {
  if (generation !== undefined && generation !== (generations.get(table) ?? 0))
    throw deletedSince(table)
}

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
  // S210: how many times each table was deleted; kept after its entry goes.
  const generations = new Map<string, number>()
  // S235: what the last deletion of each table kept.
  const deletedStates = new Map<string, Uint8Array | undefined>()
  let isClosed = false
  const run = <T>(where: string, body: () => T): Promise<T> => step(isClosed, where, body)
  const entryFor = (table: string): Entry => {
    let entry = tables.get(table)
    if (entry === undefined) tables.set(table, (entry = { snapshots: [], log: [], seq: 0 }))
    return entry
  }
  const isEmpty = (entry: Entry): boolean => entry.snapshots.length === 0 && entry.log.length === 0
  const checkGeneration = (table: string, generation: number | undefined): void => {
    refuseIfDeleted(generations, table, generation)
  }

  const load = (table: string, afterSeq: number): StoredTable => {
    const entry = tables.get(table)
    const seq = Math.max(afterSeq, entry?.seq ?? 0)
    // A caller that holds everything up to `afterSeq` needs the snapshot only when it is newer.
    const last = entry?.snapshots.at(-1)
    const newest = last !== undefined && last.seq > afterSeq ? last : undefined
    const from = Math.max(afterSeq, newest?.seq ?? 0)
    const result: StoredTable = {
      updates: [],
      seq,
      updateBytes: 0,
      atMs: 0,
      generation: generations.get(table) ?? 0,
    }
    const deletedState = deletedStates.get(table)
    if (deletedState !== undefined) result.deletedState = deletedState.slice()
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
    append: (table, updates, options = {}) =>
      run('append', () => {
        checkGeneration(table, options.generation)
        const entry = entryFor(table)
        for (const { update, atMs, author } of updates)
          entry.log.push({ seq: ++entry.seq, update: update.slice(), atMs, author })
        return entry.seq
      }),
    compact: (table, snapshot, seq, options = {}) =>
      run('compact', () => {
        checkGeneration(table, options.generation)
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
    delete: (table, options = {}) =>
      run('delete', () => {
        const entry = tables.get(table)
        tables.delete(table)
        generations.set(table, (generations.get(table) ?? 0) + 1)
        deletedStates.set(table, options.deletedState?.slice())
        return entry !== undefined && !isEmpty(entry)
      }),
    close() {
      isClosed = true
      return Promise.resolve()
    },
  }
}

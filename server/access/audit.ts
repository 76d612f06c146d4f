// What the server writes to its audit log (S54): the rows and cells one accepted change touched,
// with its writer and time. Storage goes through the AuditLog port; failures are reported.
import { TesseraError } from '../../src/index.js'
import type { RecordsWriter } from '../commit-writer.js'
import type { Logger } from '../logger.js'
import type { AuditEntry, AuditLog, AuditRecord } from '../ports/audit-log.js'

/** What one accepted update did to rows: what `applyChecked` returns, or a REST write's change. */
export interface RowChanges {
  readonly inserted: readonly string[]
  readonly updated: ReadonlyMap<string, ReadonlySet<string>>
  readonly deleted: readonly string[]
  /** Rows whose position changed (a move); default none. */
  readonly moved?: readonly string[]
}

/** The server's side of the audit log. */
export interface Audit {
  /**
   * Records what one accepted change did, with the other changes recorded in the same turn of
   * the event loop (one append); resolves once they are written. Never rejects: a failure goes
   * to the logger and `onError` (the change itself stays accepted).
   */
  record(table: string, userId: string | null, changes: RowChanges, atMs: number): Promise<void>
  /**
   * Records a restore (S212): who brought the table (or its `rows`, or one cell) back to
   * `restoredToMs`, with the other records of the turn. Never rejects, as `record`.
   */
  recordRestore(
    table: string,
    userId: string | null,
    restore: RestoreRecord,
    atMs: number,
  ): Promise<void>
  /**
   * S245: writes the records of accepted updates with their commit: inside the store's
   * transaction when the log shares its SQLite database, else recorded once they are durable.
   */
  readonly writer: RecordsWriter
  /** A row's history, oldest first. @throws STORAGE_FAILURE */
  history(table: string, rowId: string, limit: number): Promise<AuditEntry[]>
  /** A table's records after `afterSeq` (row changes and restores), oldest first. @throws STORAGE_FAILURE */
  list(table: string, afterSeq: number, limit: number): Promise<AuditEntry[]>
  /** Stops pruning and asks the log for what waits (the log is closed by whoever opened it). */
  close(): void
}

/** What a restore covered (S212): the whole table, some rows, or one cell (by column id). */
export interface RestoreRecord {
  readonly restoredToMs: number
  readonly rows?: readonly string[]
  readonly cell?: { readonly row: string; readonly columnId: string }
}

/** The records of a restore: one for the table (row id ''), or one per row or cell it covered. */
export function restoreRecordsOf(
  table: string,
  userId: string | null,
  restore: RestoreRecord,
  atMs: number,
): AuditRecord[] {
  const { restoredToMs, rows, cell } = restore
  const record = (rowId: string, columns: string[] = []): AuditRecord => ({
    table,
    rowId,
    action: 'restore',
    columns,
    userId,
    atMs,
    restoredToMs,
  })
  if (cell !== undefined) return [record(cell.row, [cell.columnId])]
  return rows === undefined ? [record('')] : rows.map((rowId) => record(rowId))
}

/** Options of `createAudit`. */
export interface AuditOptions {
  /** Entries older than this are pruned at start and hourly; Infinity keeps everything. */
  retentionMs: number
  logger: Logger
  onError?: ((error: TesseraError) => void) | undefined
  now?: () => number
}

const pruneEveryMs = 60 * 60 * 1000

/** The records of one turn, by table, waiting for their append. */
interface TurnRecords {
  readonly records: Map<string, AuditRecord[]>
  readonly written: Promise<void>
  readonly resolve: (written: Promise<void>) => void
  readonly timer: NodeJS.Immediate
}

/** The records of one change: deletes, inserts, updates with their column ids, then moves. */
export function auditRecordsOf(
  table: string,
  userId: string | null,
  changes: RowChanges,
  atMs: number,
): AuditRecord[] {
  // Made for every accepted update: one array, no intermediate ones.
  const records: AuditRecord[] = []
  const add = (rowId: string, action: AuditRecord['action'], columns: string[]): void => {
    records.push({ table, rowId, action, columns, userId, atMs })
  }
  for (const id of changes.deleted) add(id, 'delete', [])
  for (const id of changes.inserted) add(id, 'insert', [])
  for (const [id, columns] of changes.updated) add(id, 'update', [...columns])
  for (const id of changes.moved ?? []) add(id, 'move', [])
  return records
}

/** A promise and the function that settles it (Promise.withResolvers is Node 22). */
function promiseWithResolve(): {
  promise: Promise<void>
  resolve: (value: Promise<void>) => void
} {
  let resolve: ((value: Promise<void>) => void) | undefined
  const promise = new Promise<void>((settle) => {
    resolve = settle
  })
  return { promise, resolve: resolve! }
}

/** Writes accepted changes to `log` and prunes it (now and hourly). */
export function createAudit(log: AuditLog, options: AuditOptions): Audit {
  const now = options.now ?? Date.now
  const report = (what: string) => (error: unknown) => {
    options.logger.error(`audit log: ${what} failed`, error)
    options.onError?.(
      error instanceof TesseraError
        ? error
        : new TesseraError('STORAGE_FAILURE', `audit log: ${what} failed: ${String(error)}`, {
            cause: error,
          }),
    )
  }
  const prune = (): void => {
    if (!Number.isFinite(options.retentionMs)) return
    log.prune(now() - options.retentionMs).then(undefined, report('pruning'))
  }
  prune()
  const pruneTimer = setInterval(prune, pruneEveryMs)
  pruneTimer.unref()
  // The records of one turn of the event loop go to the log in one append (one step of the
  // store's transaction, sqlite-database.ts), not one per update, table by table: a log may
  // keep each table's run of records together (sqlite-audit-log.ts keeps one row per run).
  let pending: TurnRecords | undefined
  const writePending = (): void => {
    const batch = pending
    if (batch === undefined) return
    pending = undefined
    clearImmediate(batch.timer)
    const names = [...batch.records.keys()].map((name) => `"${name}"`).join(', ')
    const records = [...batch.records.values()].flat()
    batch.resolve(log.append(records).then(undefined, report(`recording changes of ${names}`)))
  }
  const batchOfThisTurn = (): TurnRecords => {
    if (pending !== undefined) return pending
    const { promise: written, resolve } = promiseWithResolve()
    pending = {
      records: new Map(),
      written,
      resolve,
      timer: setImmediate(writePending),
    }
    return pending
  }
  const push = (table: string, records: readonly AuditRecord[]): Promise<void> => {
    if (records.length === 0) return Promise.resolve()
    const batch = batchOfThisTurn()
    const ofTable = batch.records.get(table)
    if (ofTable === undefined) batch.records.set(table, [...records])
    else for (const record of records) ofTable.push(record)
    return batch.written
  }
  return {
    writer: {
      writeInStep:
        log.appendInStep === undefined
          ? undefined
          : (records) => {
              log.appendInStep!(records)
            },
      recordLater(records) {
        if (records.length > 0) void push(records[0]!.table, records)
      },
    },
    record: (table, userId, changes, atMs) =>
      push(table, auditRecordsOf(table, userId, changes, atMs)),
    recordRestore: (table, userId, restore, atMs) =>
      push(table, restoreRecordsOf(table, userId, restore, atMs)),
    history: (table, rowId, limit) => log.history(table, rowId, limit),
    list: (table, afterSeq, limit) => log.list(afterSeq, limit, table),
    close() {
      clearInterval(pruneTimer)
      // Asked for now, so the log's owner still writes it when it closes (sqlite-database.ts).
      writePending()
    },
  }
}

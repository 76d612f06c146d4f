// Reading the SQLite audit log (layout 3): a row's history and a table's records, through the
// chunk index where it reaches and a scan of the rows past it (which the index catches up on
// in the background, sqlite-audit-log.ts). Reads never write.
import type Database from 'better-sqlite3'
import type { AuditEntry } from '../ports/audit-log.js'
import type { AuditChunk, AuditIndex, AuditTurnRow } from './sqlite-audit-index.js'
import { decodeRecords } from './sqlite-audit-layout.js'

/** How many chunks a read asks the index for at a time. */
const chunkPage = 64

/** The reads of the audit log in `db`; each runs in one read transaction (one snapshot). */
export function createAuditReads(db: Database.Database, index: AuditIndex) {
  const turnsOfTable = db.prepare<[number, number, string], AuditTurnRow>(
    'SELECT * FROM audit_turns WHERE last_seq BETWEEN ? AND ? AND table_name = ? ORDER BY last_seq',
  )
  const turnsAfter = db.prepare<[number, number], AuditTurnRow>(
    'SELECT * FROM audit_turns WHERE last_seq > ? ORDER BY last_seq LIMIT ?',
  )
  /**
   * Visits `table`'s records in rows keyed `fromKey` on, in `chunks` (paged after a chunk key),
   * then in the rows not yet indexed, in seq order, until `visit` returns true.
   */
  const visitTable = (
    table: string,
    fromKey: number,
    chunks: (after: number) => AuditChunk[],
    visit: (entry: AuditEntry) => boolean,
  ): void => {
    const visitRows = (first: number, last: number): boolean =>
      turnsOfTable
        .all(Math.max(first, fromKey), last, table)
        .some((row) => decodeRecords(table, row.records).some(visit))
    const through = index.indexedThrough()
    for (let page = chunks(0); page.length > 0; page = chunks(page.at(-1)!.first_key)) {
      if (page.some((chunk) => visitRows(chunk.first_key, chunk.last_key))) return
      if (page.length < chunkPage) break
    }
    visitRows(through + 1, Number.MAX_SAFE_INTEGER)
  }
  const history = db.transaction((table: string, rowId: string, limit: number) => {
    const found: AuditEntry[] = []
    if (limit <= 0) return found
    const chunks = (after: number) => index.rowChunks(table, rowId, after, chunkPage)
    visitTable(table, 0, chunks, (entry) => {
      if (entry.rowId === rowId) found.push(entry)
      return found.length >= limit
    })
    return found
  })
  const listOfTable = db.transaction((afterSeq: number, limit: number, table: string) => {
    const found: AuditEntry[] = []
    if (limit <= 0) return found
    // A row's key is the seq of its last record: rows keyed above `afterSeq` hold what follows.
    const from = index.chunkHolding(afterSeq)
    const chunks = (after: number) => index.tableChunks(table, Math.max(from, after + 1), chunkPage)
    visitTable(table, afterSeq + 1, chunks, (entry) => {
      if (entry.seq > afterSeq) found.push(entry)
      return found.length >= limit
    })
    return found
  })
  const listAll = db.transaction((afterSeq: number, limit: number) => {
    const found: AuditEntry[] = []
    for (let key = afterSeq; found.length < limit;) {
      const rows = turnsAfter.all(key, limit)
      for (const row of rows) {
        for (const entry of decodeRecords(row.table_name, row.records))
          if (entry.seq > afterSeq && found.length < limit) found.push(entry)
      }
      if (rows.length < limit) break
      key = rows.at(-1)!.last_seq
    }
    return found
  })
  return {
    history: (table: string, rowId: string, limit: number) => history(table, rowId, limit),
    list: (afterSeq: number, limit: number, table?: string) =>
      table === undefined ? listAll(afterSeq, limit) : listOfTable(afterSeq, limit, table),
  }
}

// The reference AuditLog adapter: records in an array. Used when the server runs on a custom
// Store (nothing durable to keep the log beside) and by the contract suite.
import type { AuditEntry, AuditLog } from './audit-log.js'

/** Creates an AuditLog that lives as long as the process. */
export function createMemoryAuditLog(): AuditLog {
  let entries: AuditEntry[] = []
  let seq = 0
  return {
    append(records) {
      for (const record of records)
        entries.push({ ...record, columns: [...record.columns], seq: ++seq })
      return Promise.resolve()
    },
    history(table, rowId, limit) {
      const found = entries.filter((entry) => entry.table === table && entry.rowId === rowId)
      return Promise.resolve(found.slice(0, limit).map((entry) => ({ ...entry })))
    },
    list(afterSeq, limit, table) {
      const found = entries.filter(
        (entry) => entry.seq > afterSeq && (table === undefined || entry.table === table),
      )
      return Promise.resolve(found.slice(0, limit).map((entry) => ({ ...entry })))
    },
    prune(beforeMs) {
      const kept = entries.filter((entry) => entry.atMs >= beforeMs)
      const pruned = entries.length - kept.length
      entries = kept
      return Promise.resolve(pruned)
    },
    close: () => Promise.resolve(),
  }
}

// What a server does when the SQLite audit log's background index fails (S252): it logs the
// failure at error level with the tables whose records it was indexing, and counts it in
// `tessera_audit_index_failures_total`. Knows the logger and the metrics, not SQLite.
import { Counter, type Registry } from 'prom-client'
import type { AuditIndexFailure } from './adapters/sqlite-audit-indexer.js'
import type { Logger } from './logger.js'

/**
 * S252: the reporter of background index failures, its counter registered on `registry`. The
 * index is tried again after the next append and reads scan past it meanwhile, so a failure
 * loses no record; the log says what to check.
 */
export function reportAuditIndexFailures(
  logger: Logger,
  registry: Registry,
): (failure: AuditIndexFailure) => void {
  const failures = new Counter({
    name: 'tessera_audit_index_failures_total',
    help: "Failures of the SQLite audit log's background index (records are kept; reads scan past the index).",
    registers: [registry],
  })
  return ({ error, tables }) => {
    failures.inc()
    const which =
      tables.length === 0 ? 'unknown tables' : tables.map((name) => `"${name}"`).join(', ')
    try {
      logger.error(
        `audit log: indexing the records of table ${which} failed (${String(error)}); retried after the next append, reads scan past the index meanwhile; check the disk and the database file`,
        error,
      )
    } catch {
      // A logger that throws must not stop the index; the counter has it.
    }
  }
}

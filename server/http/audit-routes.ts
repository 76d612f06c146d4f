// The audit routes (S54, S212): a row's audit entries, and a table's (its rows' and its
// restores'), with column ids shown by the names the columns have now. Reading the log goes
// through the access layer's Audit.
import express, { type Request, type Router } from 'express'
import { TesseraError, type Table } from '../../src/index.js'
import type { Audit } from '../access/audit.js'
import type { AuditEntry } from '../ports/audit-log.js'
import type { UseTable } from './use-table.js'

/** Shows column ids as the names they have now (removed columns keep their id). */
const withColumnNames = (table: Table, entry: AuditEntry) => {
  const names = new Map(table.columns().map((column) => [column.id as string, column.name]))
  return {
    action: entry.action,
    columns: entry.columns.map((id) => names.get(id) ?? id),
    userId: entry.userId,
    at: new Date(entry.atMs).toISOString(),
    // S212: a restore says which time it brought back.
    ...(entry.restoredToMs === undefined
      ? {}
      : { restoredTo: new Date(entry.restoredToMs).toISOString() }),
  }
}

/** A whole-number query parameter from `min` to `max`. @throws INVALID_ARGUMENT */
function integerParam(request: Request, name: string, fallback: number, min: number, max: number) {
  const text = request.query[name]
  const value = text === undefined ? fallback : Number(text)
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`,
    )
  }
  return value
}

/** The audit routes, mounted under /tables; reading needs read access to the table. */
export function createAuditRoutes(audit: Audit, useTable: UseTable): Router {
  const router = express.Router()
  router.get('/:table/rows/:id/audit', async (request, response) => {
    const limit = integerParam(request, 'limit', 1000, 1, 10_000)
    const entries = await useTable(request, request.params.table, 'read', async (table, room) =>
      (await audit.history(room.name, request.params.id, limit)).map((entry) =>
        withColumnNames(table, entry),
      ),
    )
    response.json({ rowId: request.params.id, entries })
  })

  // Every entry of the table, oldest first, a page at a time (`after` the last `seq` seen).
  router.get('/:table/audit', async (request, response) => {
    const limit = integerParam(request, 'limit', 1000, 1, 10_000)
    const after = integerParam(request, 'after', 0, 0, Number.MAX_SAFE_INTEGER)
    const entries = await useTable(request, request.params.table, 'read', async (table, room) =>
      (await audit.list(room.name, after, limit)).map((entry) => ({
        seq: entry.seq,
        rowId: entry.rowId === '' ? null : entry.rowId,
        ...withColumnNames(table, entry),
      })),
    )
    response.json({ entries })
  })
  return router
}

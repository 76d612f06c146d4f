// `GET /tables/:table/rows/:id/audit`: a row's audit entries (S54), with column ids shown by
// the names the columns have now. Reading the log goes through the access layer's Audit.
import express, { type Router } from 'express'
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
  }
}

/** `GET /tables/:table/rows/:id/audit`: the row's audit entries, oldest first; needs read access. */
export function createAuditRoutes(audit: Audit, useTable: UseTable): Router {
  const router = express.Router()
  router.get('/:table/rows/:id/audit', async (request, response) => {
    const limitText = request.query.limit
    const limit = limitText === undefined ? 1000 : Number(limitText)
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `limit must be an integer from 1 to 10000, got ${JSON.stringify(limitText)}`,
      )
    }
    const entries = await useTable(request, request.params.table, 'read', async (table, room) =>
      (await audit.history(room.name, request.params.id, limit)).map((entry) =>
        withColumnNames(table, entry),
      ),
    )
    response.json({ rowId: request.params.id, entries })
  })
  return router
}

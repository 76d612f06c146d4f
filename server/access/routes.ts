// REST routes of access control: a row's audit history (under /tables) and, under /auth, who the
// caller is and the opt-in dev login that signs a token for any name and roles (demos only).
import express, { type Router } from 'express'
import { TesseraError, type Table } from '../../src/index.js'
import type { UseTable } from '../http/tables-routes.js'
import type { AccessControl } from './access-control.js'
import type { AuditEntry, AuditLog } from './audit-log.js'

/** How long a dev-login token lives. */
const devTokenSeconds = 8 * 60 * 60

const namePattern = /^[\p{L}\p{N}_.@ -]{1,64}$/u

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
export function createHistoryRoutes(audit: AuditLog, useTable: UseTable): Router {
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
    const entries = await useTable(request, request.params.table, 'read', (table, room) =>
      audit
        .history(room.name, request.params.id, limit)
        .map((entry) => withColumnNames(table, entry)),
    )
    response.json({ rowId: request.params.id, entries })
  })
  return router
}

/** `/auth/me` and, when `isDevLoginEnabled`, `POST /auth/dev-login { name, roles }`. */
export function createAuthRoutes(control: AccessControl, isDevLoginEnabled: boolean): Router {
  const router = express.Router()
  router.get('/me', async (request, response) => {
    const { user } = await control.identify(request)
    if (user === null) {
      throw new TesseraError(
        'UNAUTHORIZED',
        'no token: send Authorization: Bearer <token> to see who it identifies',
      )
    }
    response.json({ id: user.id, name: user.name, roles: user.roles })
  })
  if (!isDevLoginEnabled || control.verifier === undefined) return router
  const { verifier } = control
  router.post('/dev-login', async (request, response) => {
    const body = request.body as { name?: unknown; roles?: unknown } | undefined
    const name = body?.name
    const roles = body?.roles ?? []
    if (typeof name !== 'string' || !namePattern.test(name)) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        'POST /auth/dev-login: send { "name": "ann", "roles": ["editor"] }; name: 1-64 letters, digits, spaces or _.@-',
      )
    }
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string' && role !== '')) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        'POST /auth/dev-login: roles must be a list of role names, e.g. ["editor"]',
      )
    }
    const id = name.toLowerCase().replace(/\s+/g, '-')
    const token = await verifier.sign(
      { id, name, roles: roles as string[] },
      { expiresInSeconds: devTokenSeconds },
    )
    response.status(201).json({
      token,
      user: { id, name, roles },
      expiresAt: new Date(Date.now() + devTokenSeconds * 1000).toISOString(),
    })
  })
  return router
}

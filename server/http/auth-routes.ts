// The REST routes under /auth: who the caller is, revoking tokens, and the opt-in dev login that
// signs a token for any name and roles (demos only; docs/security.md).
import express, { type Router } from 'express'
import { TesseraError } from '../../src/index.js'
import type { AccessControl } from '../access/access-control.js'
import type { Revocations } from '../access/revocations.js'
import { createRevocationRoutes } from './revocation-routes.js'

/** How long a dev-login token lives. */
const devTokenSeconds = 8 * 60 * 60

const namePattern = /^[\p{L}\p{N}_.@ -]{1,64}$/u

/** What the /auth routes need besides access control. */
export interface AuthRoutesOptions {
  /** Serve `POST /auth/dev-login` (demos only). */
  isDevLoginEnabled: boolean
  revocations: Revocations
  /** Roles that may revoke anyone's tokens. */
  adminRoles: readonly string[]
}

/**
 * `/auth/me`, the revocation routes and, when `isDevLoginEnabled`, `POST /auth/dev-login
 * { name, roles }`.
 */
export function createAuthRoutes(control: AccessControl, options: AuthRoutesOptions): Router {
  const router = express.Router()
  router.use(createRevocationRoutes(control, options.revocations, options.adminRoles))
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
  if (!options.isDevLoginEnabled || control.verifier === undefined) return router
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

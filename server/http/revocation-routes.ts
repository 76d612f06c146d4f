// `POST /auth/revocations` and `GET /auth/revocations` (docs/security.md, S75): revoke a token by
// its `jti`, or every token of a user, before they expire; list what is revoked.
import express, { type Request, type Router } from 'express'
import { TesseraError } from '../../src/index.js'
import type { AccessControl } from '../access/access-control.js'
import type { Revocations } from '../access/revocations.js'
import type { User } from '../access/tokens.js'
import type { Revocation } from '../ports/revocation-list.js'

const maxIdLength = 256

const shown = (revocation: Revocation) => ({
  kind: revocation.kind,
  id: revocation.id,
  at: new Date(revocation.atMs).toISOString(),
})

/** What a revocation body asks for: exactly one of `jti` and `sub`, each a short string. */
const revocationOf = (body: unknown): { kind: Revocation['kind']; id: string } => {
  const { jti, sub, ...rest } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >
  const id = jti ?? sub
  const isValid =
    Object.keys(rest).length === 0 &&
    (jti === undefined) !== (sub === undefined) &&
    typeof id === 'string' &&
    id !== '' &&
    id.length <= maxIdLength
  if (!isValid) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'POST /auth/revocations: send { "jti": "<token id>" } to revoke one token, or { "sub": "<user id>" } to revoke every token of a user issued until now',
    )
  }
  return { kind: jti === undefined ? 'user' : 'token', id }
}

/** Creates the revocation routes, mounted under /auth. */
export function createRevocationRoutes(
  control: AccessControl,
  revocations: Revocations,
  adminRoles: readonly string[],
): Router {
  const router = express.Router()
  /** The verified caller; UNAUTHORIZED without a token, INVALID_ARGUMENT without auth. */
  const userOf = async (request: Request): Promise<User> => {
    if (control.verifier === undefined) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        'this server verifies no tokens (no auth.secret), so there is nothing to revoke',
      )
    }
    const { user } = await control.identify(request)
    if (user === null) {
      throw new TesseraError(
        'UNAUTHORIZED',
        'revoking tokens needs a token: send Authorization: Bearer <token>',
      )
    }
    return user
  }
  const isAdmin = (user: User): boolean => user.roles.some((role) => adminRoles.includes(role))
  const notAdmin = (): TesseraError =>
    new TesseraError(
      'FORBIDDEN',
      `only a role in adminRoles (${adminRoles.join(', ')}) may do this; you may revoke your own tokens: { "sub": "<your id>" }`,
    )

  router.post('/revocations', async (request, response) => {
    const user = await userOf(request)
    const { kind, id } = revocationOf(request.body)
    const isOwn = kind === 'user' ? id === user.id : id === user.tokenId
    if (!isOwn && !isAdmin(user)) throw notAdmin()
    response.status(201).json(shown(await revocations.revoke(kind, id)))
  })
  router.get('/revocations', async (request, response) => {
    if (!isAdmin(await userOf(request))) throw notAdmin()
    response.json({ revocations: revocations.list().map(shown) })
  })
  return router
}

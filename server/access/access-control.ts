// Who a request is (a verified token, or a custom `authenticate` hook) and what it may do with a
// table (the config's rules, or a custom `authorize` hook). Knows nothing about rooms or sockets.
import type { IncomingMessage } from 'node:http'
import { TesseraError, type TablePermissions } from '../../src/index.js'
import { allPermissions, grant, noPermissions } from '../../src/internal.js'
import { accessFor, parseRules, type RuleSet, type Rules } from './rules.js'
import { createTokenVerifier, type TokenOptions, type TokenVerifier, type User } from './tokens.js'

/** The caller of one request or connection. */
export interface Caller {
  /** The verified token's user; null without a token or without `auth`. */
  readonly user: User | null
  /** What a custom `authenticate` hook returned (undefined without one). */
  readonly appUser: unknown
}

/** The checks one server applies to every upgrade and REST request. */
export interface AccessControl {
  /** True when callers are identified (a secret or an `authenticate` hook is configured). */
  readonly isAuthEnabled: boolean
  /** The token verifier (and signer) when `auth` is configured. */
  readonly verifier: TokenVerifier | undefined
  /** @throws UNAUTHORIZED for a token that is expired, revoked, badly signed or malformed */
  identify(request: IncomingMessage): Promise<Caller>
  /** What `caller` may do with `table`. */
  accessFor(caller: Caller, table: string): Promise<TablePermissions>
  /** The error for a caller whose token was revoked since it was identified (S75), if it was. */
  revocationOf(caller: Caller): TesseraError | undefined
  /** Replaces the rules (a reload of the rules file, S76); later checks use the new ones. */
  setRules(rules: RuleSet): void
}

const revoked = (): TesseraError =>
  new TesseraError('UNAUTHORIZED', 'the token was revoked; sign in again for a new one')

/** The user id written to the audit log and stamped on presence: null for anonymous callers. */
export function callerId(caller: Caller): string | null {
  if (caller.user !== null) return caller.user.id
  const app = caller.appUser as { id?: unknown } | null | undefined
  return typeof app === 'object' && app !== null && typeof app.id === 'string' ? app.id : null
}

/**
 * The token of a request: `Authorization: Bearer <token>` or the `token` query parameter (what
 * y-websocket's `params: { token }` sends; browsers cannot set headers on a WebSocket).
 */
export function tokenOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string' && /^bearer\s+/i.test(header))
    return header.replace(/^bearer\s+/i, '').trim()
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token')
  return query ?? undefined
}

/** The server options access control reads (docs/security.md). */
export interface AccessControlOptions {
  auth?: TokenOptions | undefined
  rules: Rules
  authenticate?: ((request: IncomingMessage) => unknown) | undefined
  authorize?:
    | ((user: unknown, table: string, access: 'read' | 'write') => boolean | Promise<boolean>)
    | undefined
}

/**
 * Builds the access control of a server from its resolved options; `isRevoked` says which
 * verified tokens were revoked (default: none).
 */
export function createAccessControl(
  options: AccessControlOptions,
  isRevoked: (user: User) => boolean = () => false,
): AccessControl {
  const verifier = options.auth === undefined ? undefined : createTokenVerifier(options.auth)
  const { authenticate, authorize } = options
  let rules = parseRules(options.rules)
  const revocationOf = (caller: Caller): TesseraError | undefined =>
    caller.user !== null && isRevoked(caller.user) ? revoked() : undefined
  const isAuthEnabled = verifier !== undefined || authenticate !== undefined
  return {
    isAuthEnabled,
    verifier,
    async identify(request) {
      const token = tokenOf(request)
      // A token that is present must be valid, even for a public table: a client with an
      // expired token learns it now instead of silently acting as `public`.
      const user =
        verifier === undefined || token === undefined ? null : await verifier.verify(token)
      if (user !== null && isRevoked(user)) throw revoked()
      let appUser: unknown
      try {
        appUser = authenticate === undefined ? undefined : await authenticate(request)
      } catch (cause) {
        if (cause instanceof TesseraError) throw cause
        throw new TesseraError('UNAUTHORIZED', `authentication failed: ${String(cause)}`, {
          cause,
        })
      }
      return { user, appUser }
    },
    async accessFor(caller, table) {
      if (authorize === undefined) {
        return accessFor(rules, table, caller.user, verifier !== undefined)
      }
      const who = authenticate === undefined ? caller.user : caller.appUser
      if (await authorize(who, table, 'write')) return allPermissions
      return (await authorize(who, table, 'read')) ? grant(['read']) : noPermissions
    },
    revocationOf,
    setRules(next) {
      rules = next
    },
  }
}

// Signed access tokens: HS256 JWTs (jose) carrying the user's id, name and roles. Knows nothing
// about HTTP or WebSocket: callers pass the token string and get a User or a TesseraError.
import { randomUUID } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import { TesseraError } from '../../src/index.js'

/** Who a request or connection acts as. */
export interface User {
  readonly id: string
  readonly name: string
  readonly roles: readonly string[]
  /** When the token stops being valid, in ms since 1970 (undefined: never). */
  readonly expiresAtMs: number | undefined
  /** The token's own id (`jti` claim), by which it can be revoked (S75). */
  readonly tokenId?: string | undefined
  /** When the token was issued (`iat` claim), in ms since 1970; whole seconds. */
  readonly issuedAtMs?: number | undefined
}

/** The `auth` option: how tokens are verified (docs/security.md). */
export interface TokenOptions {
  /** The shared HS256 secret; at least 32 bytes (256 bits). */
  secret: string
  /** When set, tokens must carry this `iss`. */
  issuer?: string
  /** When set, tokens must carry this `aud`. */
  audience?: string
}

/** Verifies (and signs) the tokens of one secret. */
export interface TokenVerifier {
  /** @throws UNAUTHORIZED (expired, bad signature, malformed, wrong issuer or audience) */
  verify(token: string): Promise<User>
  /** Signs a token for a user, with a fresh `jti` (S75); for tests, the CLI and trusted back ends. */
  sign(
    user: { id: string; name?: string; roles?: readonly string[] },
    options?: { expiresInSeconds?: number },
  ): Promise<string>
}

const tokenOptionKeys = ['secret', 'issuer', 'audience']

/**
 * Checks an `auth` option read from outside (config file, createServer).
 * @throws INVALID_ARGUMENT naming the unknown key or the bad field
 */
export function checkTokenOptions(value: unknown): asserts value is TokenOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TesseraError('INVALID_ARGUMENT', 'expected { secret, issuer?, audience? }')
  }
  const unknownKey = Object.keys(value).find((key) => !tokenOptionKeys.includes(key))
  if (unknownKey !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `unknown key auth.${unknownKey}; expected ${tokenOptionKeys.join(', ')}`,
    )
  }
  for (const key of ['issuer', 'audience'] as const) {
    const field = (value as Partial<TokenOptions>)[key]
    if (field !== undefined && (typeof field !== 'string' || field === '')) {
      throw new TesseraError('INVALID_ARGUMENT', `auth.${key} must be a non-empty string`)
    }
  }
  createTokenVerifier(value as TokenOptions)
}

/** Makes a verifier (and signer) of HS256 tokens. @throws INVALID_ARGUMENT for a short secret */
export function createTokenVerifier(options: TokenOptions): TokenVerifier {
  if (typeof options.secret !== 'string' || new TextEncoder().encode(options.secret).length < 32) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'auth.secret: an HS256 secret must be at least 32 bytes; generate one with `openssl rand -base64 48`',
    )
  }
  const key = new TextEncoder().encode(options.secret)
  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0) {
        throw new TesseraError(
          'UNAUTHORIZED',
          'a token is required: pass it as ?token= (WebSocket) or Authorization: Bearer (REST)',
        )
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
          ...(options.audience === undefined ? {} : { audience: options.audience }),
        })
        if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
          throw new TesseraError(
            'UNAUTHORIZED',
            'the token has no subject (sub claim): sign tokens with the user id as sub',
          )
        }
        const roles = Array.isArray(payload.roles)
          ? payload.roles.filter((role): role is string => typeof role === 'string')
          : []
        return {
          id: payload.sub,
          name: typeof payload.name === 'string' ? payload.name : payload.sub,
          roles,
          expiresAtMs: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
          tokenId: typeof payload.jti === 'string' ? payload.jti : undefined,
          issuedAtMs: typeof payload.iat === 'number' ? payload.iat * 1000 : undefined,
        }
      } catch (error) {
        if (error instanceof TesseraError) throw error
        const reason =
          error instanceof errors.JWTExpired
            ? 'the token has expired: get a new one and reconnect'
            : error instanceof errors.JWSSignatureVerificationFailed
              ? 'the token signature is invalid: it was not signed with this server secret'
              : error instanceof errors.JWTClaimValidationFailed
                ? `the token claim "${error.claim}" is not accepted (${error.reason})`
                : 'the token is malformed: expected a signed HS256 JWT'
        throw new TesseraError('UNAUTHORIZED', reason, { cause: error })
      }
    },
    async sign(user, signOptions = {}) {
      let jwt = new SignJWT({ name: user.name ?? user.id, roles: [...(user.roles ?? [])] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setJti(randomUUID())
        .setIssuedAt()
      if (options.issuer !== undefined) jwt = jwt.setIssuer(options.issuer)
      if (options.audience !== undefined) jwt = jwt.setAudience(options.audience)
      if (signOptions.expiresInSeconds !== undefined) {
        jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + signOptions.expiresInSeconds)
      }
      return jwt.sign(key)
    },
  }
}

// Assembles a server's access control: the secure-by-default binding check (S55), token
// verification, revocation and rules, the open grants they reach, and the audit of accepted
// changes. Storage comes in through ports.
import { TesseraError } from '../../src/index.js'
import type { Logger } from '../logger.js'
import type { AuditLog } from '../ports/audit-log.js'
import type { RevocationList } from '../ports/revocation-list.js'
import {
  createAccessControl,
  type AccessControl,
  type AccessControlOptions,
} from './access-control.js'
import { createAudit, type Audit } from './audit.js'
import { createLiveGrants, type LiveGrants } from './live-grants.js'
import { loadRevocations, type Revocations } from './revocations.js'

/** The options access control reads (a part of the server's resolved options). */
export interface SecurityOptions extends AccessControlOptions {
  host: string
  isInsecure: boolean
  devLogin: boolean
  auditRetentionMs: number
  logger: Logger
  onError?: ((error: TesseraError) => void) | undefined
}

/** The access-control parts of one server. */
export interface Security {
  readonly control: AccessControl
  readonly audit: Audit
  readonly revocations: Revocations
  /** The open connections and streams, checked again on each revocation or rules change. */
  readonly liveGrants: LiveGrants
  /** Stops background work (pruning, polling). The ports are closed by whoever opened them. */
  close(): void
}

/** Where access control keeps what it stores. */
export interface SecurityPorts {
  auditLog: AuditLog
  revocationList: RevocationList
}

/** True for names and addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

/**
 * S55: without auth (or with the dev login) the server listens on loopback only, unless
 * `isInsecure` says the exposure is deliberate.
 * @throws INVALID_ARGUMENT naming what to configure
 */
export function checkExposure(options: SecurityOptions, isListening: boolean): void {
  if (options.devLogin && options.auth === undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'createServer: devLogin signs tokens, so it needs auth.secret (TESSERA_AUTH_SECRET)',
    )
  }
  if (!isListening || options.isInsecure || isLoopback(options.host)) return
  if (options.auth === undefined && options.authenticate === undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `refusing to listen on ${options.host} without auth: anyone who reaches it could read and change every table. Set auth.secret (TESSERA_AUTH_SECRET), listen on 127.0.0.1, or pass --insecure (isInsecure: true) to accept the risk`,
    )
  }
  if (options.devLogin) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `refusing to serve the dev login on ${options.host}: it hands out any role to anyone. Turn devLogin off, listen on 127.0.0.1, or pass --insecure`,
    )
  }
}

/**
 * Builds the access control over the ports, and says how the server is exposed.
 * @throws STORAGE_FAILURE when the revocation list cannot be read
 */
export async function createSecurity(
  options: SecurityOptions,
  ports: SecurityPorts,
): Promise<Security> {
  const { logger } = options
  const revocations = await loadRevocations(ports.revocationList, {
    logger,
    onError: options.onError,
  })
  const control = createAccessControl(options, (user) => revocations.isRevoked(user))
  const liveGrants = createLiveGrants(control, { logger })
  // S75: a revocation made here, by the CLI or by another server reaches open connections.
  revocations.subscribe(() => void liveGrants.revalidate())
  const audit = createAudit(ports.auditLog, {
    retentionMs: options.auditRetentionMs,
    logger,
    onError: options.onError,
  })
  if (!control.isAuthEnabled) {
    logger.warn(
      `tessera runs without auth: every caller may read, write and administer every table${isLoopback(options.host) ? ' (listening on loopback only)' : ' (--insecure: exposed beyond this machine)'}. Set auth.secret to require tokens.`,
    )
  } else logger.info('tessera requires signed tokens; rules decide who may do what per table')
  if (options.devLogin) {
    logger.warn('POST /auth/dev-login is on: anyone may get a token with any role (demos only)')
  }
  return {
    control,
    audit,
    revocations,
    liveGrants,
    close() {
      audit.close()
      revocations.close()
    },
  }
}

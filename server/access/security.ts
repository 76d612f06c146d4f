// Assembles a server's access control: the secure-by-default binding check (S55), token
// verification and rules, and the audit of accepted changes. Storage comes in through ports.
import { TesseraError } from '../../src/index.js'
import type { Logger } from '../logger.js'
import type { AuditLog } from '../ports/audit-log.js'
import {
  createAccessControl,
  type AccessControl,
  type AccessControlOptions,
} from './access-control.js'
import { createAudit, type Audit } from './audit.js'

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
  /** Stops background work (pruning). The ports are closed by whoever opened them. */
  close(): void
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

/** Builds the access control and the audit over `auditLog`, and says how the server is exposed. */
export function createSecurity(options: SecurityOptions, auditLog: AuditLog): Security {
  const control = createAccessControl(options)
  const { logger } = options
  const audit = createAudit(auditLog, {
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
    close: () => {
      audit.close()
    },
  }
}

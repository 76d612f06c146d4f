// The one access check of the server: every WebSocket upgrade and every REST call identifies its
// caller and checks the operation against the table's rules (docs/security.md) before anything else.
import type { IncomingMessage } from 'node:http'
import { TesseraError, type TablePermissions } from '../../src/index.js'
import { allows, verbOf, type Operation } from '../../src/internal.js'
import type { AccessControl, Caller } from './access-control.js'

/** Who the caller is and what it may do with one table. */
export interface Grant {
  caller: Caller
  permissions: TablePermissions
}

/** The error for a refused operation: UNAUTHORIZED without credentials, FORBIDDEN with them. */
export function refusal(
  control: Pick<AccessControl, 'isAuthEnabled'>,
  caller: Caller,
  table: string,
  operation: Operation,
): TesseraError {
  const what = `${verbOf(operation)} table "${table}"`
  if (control.isAuthEnabled && caller.user === null && caller.appUser === undefined) {
    return new TesseraError(
      'UNAUTHORIZED',
      `a token is needed to ${what}: pass one as ?token= or Authorization: Bearer`,
    )
  }
  return new TesseraError('FORBIDDEN', `you may not ${what}; ask for a role that may`)
}

/**
 * Identifies the caller and checks `operation` (every connection needs `read`, at least).
 * @throws UNAUTHORIZED for a bad or expired token, or no token where the table needs one
 * @throws FORBIDDEN when the caller's roles do not allow the operation on `table`
 */
export async function checkAccess(
  control: AccessControl,
  request: IncomingMessage,
  table: string,
  operation: Operation,
): Promise<Grant> {
  const caller = await control.identify(request)
  const permissions = await control.accessFor(caller, table)
  if (!permissions.canRead || !allows(permissions, operation)) {
    throw refusal(control, caller, table, permissions.canRead ? operation : 'read')
  }
  return { caller, permissions }
}

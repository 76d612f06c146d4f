// The one access check of the server: every WebSocket upgrade and every REST call identifies its
// caller and checks the operation against the table's rules (docs/security.md) before anything else.
import type { IncomingMessage } from 'node:http'
import { TesseraError } from '../../src/index.js'
import type { AccessControl, Caller } from './access-control.js'
import type { Access } from './rules.js'

/**
 * What a call does to a table: `read` it, `insert`/`update`/`delete` rows, `admin` (create the
 * table, change its schema), or `write` (any row change; the route checks which one).
 */
export type Operation = 'read' | 'write' | 'insert' | 'update' | 'delete' | 'admin'

/** Who the caller is and what it may do with one table. */
export interface Grant {
  caller: Caller
  access: Access
}

/** True when `access` allows `operation`. */
export function allows(access: Access, operation: Operation): boolean {
  switch (operation) {
    case 'read':
      return access.canRead
    case 'insert':
      return access.canInsertRows
    case 'update':
      return access.canUpdateRows
    case 'delete':
      return access.canDeleteRows
    case 'admin':
      return access.canAdminister
    case 'write':
      return access.canInsertRows || access.canUpdateRows || access.canDeleteRows
  }
}

/** The error for a refused operation: UNAUTHORIZED without credentials, FORBIDDEN with them. */
export function refusal(
  control: Pick<AccessControl, 'isAuthEnabled'>,
  caller: Caller,
  table: string,
  operation: Operation,
): TesseraError {
  const what =
    operation === 'admin'
      ? 'administer (create it or change its schema)'
      : operation === 'write'
        ? 'write'
        : operation === 'read'
          ? 'read'
          : `${operation} rows of`
  if (control.isAuthEnabled && caller.user === null && caller.appUser === undefined) {
    return new TesseraError(
      'UNAUTHORIZED',
      `table "${table}" needs a token to ${what} it: pass one as ?token= or Authorization: Bearer`,
    )
  }
  return new TesseraError(
    'FORBIDDEN',
    `you may not ${what} table "${table}"; ask for a role that may`,
  )
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
  const access = await control.accessFor(caller, table)
  if (!access.canRead || !allows(access, operation)) {
    throw refusal(control, caller, table, access.canRead ? operation : 'read')
  }
  return { caller, access }
}

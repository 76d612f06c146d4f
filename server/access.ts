// Access hooks: who the caller is (`authenticate`) and what they may do per table (`authorize`).
// The default lets everyone read and write; issue 6 plugs tokens and rules in here.
import type { IncomingMessage } from 'node:http'
import { TesseraError } from '../src/index.js'
import type { Access, ServerOptions, User } from './options.js'

/** What a caller may do with one table. */
export interface Grant {
  user: User
  canWrite: boolean
}

/**
 * Runs the hooks for `table`: the caller must be able to read it, at least.
 * @throws UNAUTHORIZED when `authenticate` refuses the request
 * @throws FORBIDDEN when `authorize` refuses reading (or writing, when `access` is `write`)
 */
export async function checkAccess(
  hooks: Pick<ServerOptions, 'authenticate' | 'authorize'>,
  request: IncomingMessage,
  table: string,
  access: Access,
): Promise<Grant> {
  let user: User
  try {
    user = hooks.authenticate === undefined ? undefined : await hooks.authenticate(request)
  } catch (cause) {
    if (cause instanceof TesseraError) throw cause
    throw new TesseraError('UNAUTHORIZED', `authentication failed: ${String(cause)}`, { cause })
  }
  const { authorize } = hooks
  if (authorize === undefined) return { user, canWrite: true }
  const canWrite = await authorize(user, table, 'write')
  if (!canWrite && (access === 'write' || !(await authorize(user, table, 'read')))) {
    throw new TesseraError(
      'FORBIDDEN',
      `you may not ${access === 'write' && !canWrite ? 'write' : 'read'} table "${table}"`,
    )
  }
  return { user, canWrite }
}

// What a connection may do with its table, as the server announced it (docs/semantics.md S57):
// the write guard that refuses a forbidden edit before it touches the doc (S58).
import { TesseraError, type WriteGuard, type WriteKind } from '../src/index.js'
import {
  allows,
  canWriteAnything,
  verbOf,
  type Right,
  type TablePermissions,
} from '../src/internal.js'

export type { TablePermissions } from '../src/internal.js'

const rightOf: Record<WriteKind, Right> = {
  insert: 'insert',
  update: 'update',
  delete: 'delete',
  schema: 'admin',
}

/** True when the permissions allow no change at all: the server drops every update (S50). */
export const isReadOnly = (permissions: TablePermissions): boolean => !canWriteAnything(permissions)

/** The write guard of a table whose connection has `permissions`. */
export function guardFor(table: string, permissions: TablePermissions): WriteGuard {
  return (kind, where) => {
    const right = rightOf[kind]
    if (allows(permissions, right)) return
    throw new TesseraError(
      'FORBIDDEN',
      `${where}: you may not ${verbOf(right)} table "${table}" (your token lacks the "${right}" right); ` +
        `the table is unchanged: ask its admin for the right, or reconnect with a token that has it`,
      { details: { right } },
    )
  }
}

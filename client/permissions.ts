// What a connection may do with its table, as the server announced it (docs/semantics.md S57):
// the write guard that refuses a forbidden edit before it touches the doc (S58).
import { TesseraError, type WriteGuard, type WriteKind } from '../src/index.js'
import type { TablePermissions } from '../src/internal.js'

export type { TablePermissions } from '../src/internal.js'

const rights: Record<WriteKind, { key: keyof TablePermissions; right: string; verb: string }> = {
  insert: { key: 'canInsertRows', right: 'insert', verb: 'insert rows into' },
  update: { key: 'canUpdateRows', right: 'update', verb: 'change rows of' },
  delete: { key: 'canDeleteRows', right: 'delete', verb: 'delete rows from' },
  schema: { key: 'canAdminister', right: 'admin', verb: 'change the columns of' },
}

/** True when the permissions allow no change at all: the server drops every update (S50). */
export const isReadOnly = (permissions: TablePermissions): boolean =>
  !permissions.canInsertRows &&
  !permissions.canUpdateRows &&
  !permissions.canDeleteRows &&
  !permissions.canAdminister

/** The write guard of a table whose connection has `permissions`. */
export function guardFor(table: string, permissions: TablePermissions): WriteGuard {
  return (kind, where) => {
    const { key, right, verb } = rights[kind]
    if (permissions[key]) return
    throw new TesseraError(
      'FORBIDDEN',
      `${where}: you may not ${verb} table "${table}" (your token lacks the "${right}" right); ` +
        `the table is unchanged: ask its admin for the right, or reconnect with a token that has it`,
      { details: { right } },
    )
  }
}

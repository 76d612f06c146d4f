// The rights a caller has over one table and the predicates on them: the one vocabulary of access
// for the core (update checks), the server (rules, routes, connections) and the client (write
// guard). Pure data; knows nothing about tokens, rules files or the wire.

/** One right over a table (docs/security.md): `admin` creates the table and changes its schema. */
export type Right = 'read' | 'insert' | 'update' | 'delete' | 'admin'

/** What a caller asks to do: one right, or `write` (some row right; the route says which). */
export type Operation = Right | 'write'

/** Every right, in the order of the permissions message's bits (docs/protocol.md §5). */
export const rights: readonly Right[] = ['read', 'insert', 'update', 'delete', 'admin']

/** What a caller may do with one table. */
export interface TablePermissions {
  readonly canRead: boolean
  readonly canInsertRows: boolean
  readonly canUpdateRows: boolean
  readonly canDeleteRows: boolean
  /** Create the table and change its schema (add, rename, retype, move or remove columns). */
  readonly canAdminister: boolean
}

/** The field of `TablePermissions` that holds each right. */
export const rightKeys: Readonly<Record<Right, keyof TablePermissions>> = {
  read: 'canRead',
  insert: 'canInsertRows',
  update: 'canUpdateRows',
  delete: 'canDeleteRows',
  admin: 'canAdminister',
}

const rowRights = ['insert', 'update', 'delete'] as const

/**
 * The permissions of a caller who holds `granted`: `admin` implies every row right, and every
 * row right implies `read` (S74). The rules of docs/security.md, computed in one place.
 */
export function grant(granted: Iterable<Right>): TablePermissions {
  const held = new Set(granted)
  const canAdminister = held.has('admin')
  const row = (right: Right): boolean => canAdminister || held.has(right)
  return {
    canRead: held.has('read') || canAdminister || rowRights.some(row),
    canInsertRows: row('insert'),
    canUpdateRows: row('update'),
    canDeleteRows: row('delete'),
    canAdminister,
  }
}

/** Every right. */
export const allPermissions: TablePermissions = grant(rights)

/** No right at all: the caller may not even read. */
export const noPermissions: TablePermissions = grant([])

/** True when `permissions` allow `operation` (`write`: at least one row right). */
export function allows(permissions: TablePermissions, operation: Operation): boolean {
  if (operation === 'write') return rowRights.some((right) => permissions[rightKeys[right]])
  return permissions[rightKeys[operation]]
}

/** True when some change is allowed; false means every update of the caller is dropped (S50). */
export function canWriteAnything(permissions: TablePermissions): boolean {
  // The fields themselves, not `allows`: asked for every update received (no closure per call).
  return (
    permissions.canInsertRows ||
    permissions.canUpdateRows ||
    permissions.canDeleteRows ||
    permissions.canAdminister
  )
}

/** True when every change is allowed, so an update needs no check of rights. */
export function canWriteEverything(permissions: TablePermissions): boolean {
  return (
    permissions.canInsertRows &&
    permissions.canUpdateRows &&
    permissions.canDeleteRows &&
    permissions.canAdminister
  )
}

/** The rights `permissions` hold, in the order of `rights`. */
export function rightsOf(permissions: TablePermissions): Right[] {
  return rights.filter((right) => permissions[rightKeys[right]])
}

/** True when both allow exactly the same. */
export function isSamePermissions(a: TablePermissions, b: TablePermissions): boolean {
  return rights.every((right) => a[rightKeys[right]] === b[rightKeys[right]])
}

const verbs: Record<Operation, string> = {
  read: 'read',
  write: 'write',
  insert: 'insert rows into',
  update: 'change rows of',
  delete: 'delete rows from',
  admin: 'create or change the columns of',
}

/** How an operation on a table reads in a message: `you may not ${verb} table "t"`. */
export const verbOf = (operation: Operation): string => verbs[operation]

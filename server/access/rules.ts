// Per-table access rules from the config file: which roles may read, write (insert, update,
// delete rows) and administer (schema, create and drop) each table. Pure: no I/O.
import { TesseraError } from '../../src/index.js'
import type { TablePermissions, WritePermissions } from '../../src/internal.js'
import type { User } from './tokens.js'

/** Roles every caller has: `public` (even without a token) and `authenticated` (any valid token). */
export const builtInRoles = ['public', 'authenticated'] as const

/** One table's rule: the roles allowed each operation. `write` is the default of the three row operations. */
export interface TableRule {
  read?: readonly string[]
  write?: readonly string[]
  insert?: readonly string[]
  update?: readonly string[]
  delete?: readonly string[]
  admin?: readonly string[]
}

/** The `rules` section of the config: table name (or "*" for every other table) to its rule. */
export type Rules = Readonly<Record<string, TableRule>>

/** What a caller may do with one table. */
export interface Access extends WritePermissions {
  canRead: boolean
  /** Create or drop the table (and change its schema: canChangeSchema). */
  canAdminister: boolean
}

const operations = ['read', 'write', 'insert', 'update', 'delete', 'admin'] as const

/** The rule used for tables the config does not name, when it has no "*" entry either. */
export const defaultRule = (isAuthEnabled: boolean): TableRule =>
  isAuthEnabled
    ? { read: ['authenticated'], write: ['authenticated'], admin: ['admin'] }
    : { read: ['public'], write: ['public'], admin: ['public'] }

/** Checks the rules section of a config file. @throws INVALID_ARGUMENT naming the bad path */
export function parseRules(input: unknown): Rules {
  if (input === undefined) return {}
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'config rules: expected an object of table name to rule, e.g. { "todos": { "read": ["public"] } }',
    )
  }
  const rules: Record<string, TableRule> = {}
  for (const [table, rule] of Object.entries(input as Record<string, unknown>)) {
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `config rules.${table}: expected an object like { "read": ["public"], "write": ["editor"] }`,
      )
    }
    const checked: Record<string, readonly string[]> = {}
    for (const [operation, roles] of Object.entries(rule as Record<string, unknown>)) {
      if (!(operations as readonly string[]).includes(operation)) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          `config rules.${table}.${operation}: unknown operation; use ${operations.join(', ')}`,
        )
      }
      if (
        !Array.isArray(roles) ||
        !roles.every((role) => typeof role === 'string' && role.length > 0)
      ) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          `config rules.${table}.${operation}: expected a list of role names, e.g. ["editor", "admin"]`,
        )
      }
      checked[operation] = roles as string[]
    }
    rules[table] = checked
  }
  return rules
}

/** What `user` (null: no token) may do with `table` under `rules`. */
export function accessFor(
  rules: Rules,
  table: string,
  user: User | null,
  isAuthEnabled: boolean,
): Access {
  const rule = rules[table] ?? rules['*'] ?? defaultRule(isAuthEnabled)
  const roles = new Set<string>([
    'public',
    ...(user === null ? [] : ['authenticated', ...user.roles]),
  ])
  const allows = (allowed: readonly string[] | undefined) =>
    (allowed ?? []).some((role) => roles.has(role))
  const canAdminister = allows(rule.admin)
  const write = (specific: readonly string[] | undefined) =>
    canAdminister || allows(specific ?? rule.write)
  return {
    canRead: canAdminister || allows(rule.read) || allows(rule.write),
    canInsertRows: write(rule.insert),
    canUpdateRows: write(rule.update),
    canDeleteRows: write(rule.delete),
    canChangeSchema: canAdminister,
    canAdminister,
  }
}

/** True when the caller may change anything in the table (otherwise its updates are dropped unseen). */
export const canWriteAnything = (access: Access): boolean =>
  access.canInsertRows || access.canUpdateRows || access.canDeleteRows || access.canChangeSchema

/** What a connection may do, as the permissions message tells its client (S57). */
export function tablePermissions(
  canWrite: boolean,
  permissions: WritePermissions,
): TablePermissions {
  return {
    canRead: true,
    canInsertRows: canWrite && permissions.canInsertRows,
    canUpdateRows: canWrite && permissions.canUpdateRows,
    canDeleteRows: canWrite && permissions.canDeleteRows,
    canAdminister: canWrite && permissions.canChangeSchema,
  }
}

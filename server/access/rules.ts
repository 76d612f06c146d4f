// Per-table access rules from the config file: which roles may read, write (insert, update,
// delete rows) and administer (schema, create and drop) each table. Pure: no I/O.
import { TesseraError } from '../../src/index.js'
import { grant, type Right, type TablePermissions } from '../../src/internal.js'
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

/** The rules as the server looks them up: table name (or "*") to its rule. */
export type RuleSet = ReadonlyMap<string, TableRule>

const operations = ['read', 'write', 'insert', 'update', 'delete', 'admin'] as const

/** The rule used for tables the config does not name, when it has no "*" entry either. */
export const defaultRule = (isAuthEnabled: boolean): TableRule =>
  isAuthEnabled
    ? { read: ['authenticated'], write: ['authenticated'], admin: ['admin'] }
    : { read: ['public'], write: ['public'], admin: ['public'] }

/** Checks the rules section of a config file. @throws INVALID_ARGUMENT naming the bad path */
export function parseRules(input: unknown): RuleSet {
  if (input === undefined) return new Map()
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'config rules: expected an object of table name to rule, e.g. { "todos": { "read": ["public"] } }',
    )
  }
  const rules = new Map<string, TableRule>()
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
    rules.set(table, checked)
  }
  return rules
}

/**
 * What `user` (null: no token) may do with `table` under `rules`. Table names are data: a rule is
 * found only under its own name or "*", never through an object's prototype (S73).
 */
export function accessFor(
  rules: RuleSet,
  table: string,
  user: User | null,
  isAuthEnabled: boolean,
): TablePermissions {
  const rule = rules.get(table) ?? rules.get('*') ?? defaultRule(isAuthEnabled)
  const roles = new Set<string>([
    'public',
    ...(user === null ? [] : ['authenticated', ...user.roles]),
  ])
  const allows = (allowed: readonly string[] | undefined) =>
    (allowed ?? []).some((role) => roles.has(role))
  const held: Right[] = []
  if (allows(rule.read) || allows(rule.write)) held.push('read')
  for (const right of ['insert', 'update', 'delete'] as const) {
    if (allows(rule[right] ?? rule.write)) held.push(right)
  }
  if (allows(rule.admin)) held.push('admin')
  // S74: admin implies every row right, and every row right implies read.
  return grant(held)
}

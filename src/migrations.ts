// Application-level schema migrations declared in code (docs/formats.md, "Migrations"): each
// version runs once per table, in one transaction, never deletes rows, and is recorded in `meta`
// so replicas that ran it concurrently agree. Removed columns stay restorable with their data.
import * as Y from 'yjs'
import { TesseraError } from './errors.js'
import type { TableMaps } from './layout.js'
import type { Table } from './table-api.js'

/** The meta key that records migration `version` as applied (one flat key per version). */
const migrationKey = (version: number): string => `migration:${version}`

/**
 * The table's schema version: the greatest migration version applied, 0 when none. Each version
 * is its own key, so two replicas that applied different versions offline keep both.
 */
export function schemaVersionOf(maps: TableMaps): number {
  let version = 0
  for (const key of maps.meta.keys()) {
    const match = /^migration:(\d+)$/.exec(key)
    if (match !== null) version = Math.max(version, Number(match[1]))
  }
  return version
}

/** A view of `table` for a migration: every method but the row deletes, which throw. */
const withoutDeletes = (table: Table): Table =>
  new Proxy(table, {
    get(target, key, receiver) {
      if (key === 'deleteRow' || key === 'deleteRows') {
        return () => {
          throw new TesseraError(
            'FORBIDDEN',
            `migrate: ${key} is not allowed in a migration (migrations never erase data); remove columns instead, which can be restored`,
          )
        }
      }
      return Reflect.get(target, key, receiver) as unknown
    },
  })

/**
 * Runs `change` as migration `version` unless the table's schema version is already at or past
 * it; returns whether it ran. `change` and the record of the version are one transaction; when
 * `change` throws, what it wrote is undone (a second transaction) and the error is rethrown.
 * @throws INVALID_ARGUMENT for a version that is not a whole number >= 1
 */
export function runMigration(
  table: Table,
  maps: TableMaps,
  version: number,
  change: (table: Table) => void,
): boolean {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `migrate: version must be a whole number >= 1, got ${String(version)}`,
    )
  }
  if (typeof change !== 'function') {
    throw new TesseraError('INVALID_ARGUMENT', 'migrate: change must be a function (table) => void')
  }
  if (schemaVersionOf(maps) >= version) return false
  // Yjs cannot abort a transaction: what a failed migration wrote is undone by a second one.
  const undo = new Y.UndoManager(
    [maps.meta, maps.columns, maps.rows, maps.cells, maps.overrides, maps.shapes],
    {
      trackedOrigins: new Set([table.origin]),
      captureTimeout: 0,
    },
  )
  try {
    table.transact(() => {
      change(withoutDeletes(table))
      maps.meta.set(migrationKey(version), true)
    })
  } catch (error) {
    undo.undo()
    throw error
  } finally {
    undo.destroy()
  }
  return true
}

/** The columns that were removed (hidden), newest name first, with their ids. */
export function removedColumnsOf(maps: TableMaps): { id: string; name: string }[] {
  const removed: { id: string; name: string }[] = []
  maps.columns.forEach((fields, id) => {
    if (fields instanceof Y.Map && fields.get('removed') === true) {
      const name = fields.get('name')
      removed.push({ id, name: typeof name === 'string' ? name : id })
    }
  })
  return removed
}

/**
 * Shows a removed column again with every value it held (S113). `column` is its id, or its name
 * when one removed column has it. A visible column with the same name makes it `name~id` (S13).
 * @throws COLUMN_NOT_FOUND when no removed column has that id or name, or several have the name
 */
export function restoreColumnIn(table: Table, maps: TableMaps, column: string): void {
  const removed = removedColumnsOf(maps)
  const byId = removed.find((candidate) => candidate.id === column)
  const byName = removed.filter((candidate) => candidate.name === column)
  const found = byId ?? (byName.length === 1 ? byName[0] : undefined)
  if (found === undefined) {
    throw new TesseraError(
      'COLUMN_NOT_FOUND',
      byName.length > 1
        ? `restoreColumn: ${byName.length} removed columns are named "${column}"; give one of their ids: ${byName.map((c) => c.id).join(', ')}`
        : `restoreColumn: no removed column "${column}"; removedColumns() lists them`,
    )
  }
  table.transact(() => {
    maps.columns.get(found.id)!.set('removed', false)
  })
}

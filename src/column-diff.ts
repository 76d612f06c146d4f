// What changed between two versions of a table's columns, for histories and restores.
// Pure: it compares two lists of columns by id.
import type { Column } from './schema.js'

/** One change of one column between two versions of the schema. */
export interface ColumnChange {
  /** The column's name after the change (its last name when it was removed). */
  column: string
  change: 'added' | 'removed' | 'renamed' | 'retyped' | 'default' | 'moved'
  /** The field's old and new values, for a rename, a retype or a new default. */
  from?: unknown
  to?: unknown
}

/** The changes from `before` to `after` (visible columns), in the order of `after`, removals last. */
export function diffColumns(before: readonly Column[], after: readonly Column[]): ColumnChange[] {
  const old = new Map(before.map((column) => [column.id, column]))
  const changes: ColumnChange[] = []
  for (const column of after) {
    const was = old.get(column.id)
    old.delete(column.id)
    if (was === undefined) {
      changes.push({ column: column.name, change: 'added', to: column.type })
      continue
    }
    if (was.name !== column.name)
      changes.push({ column: column.name, change: 'renamed', from: was.name, to: column.name })
    if (was.type !== column.type)
      changes.push({ column: column.name, change: 'retyped', from: was.type, to: column.type })
    if (JSON.stringify(was.default) !== JSON.stringify(column.default))
      changes.push({
        column: column.name,
        change: 'default',
        from: was.default,
        to: column.default,
      })
    if (was.position !== column.position) changes.push({ column: column.name, change: 'moved' })
  }
  for (const was of old.values()) changes.push({ column: was.name, change: 'removed' })
  return changes
}

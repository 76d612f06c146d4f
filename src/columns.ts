// The table's schema kept in its Y.Doc: one nested Y.Map per column, so concurrent edits of
// different fields of one column (rename, retype) both survive. Columns are never deleted
// from the doc, only marked removed, so a removed column's id is never reused (S6).
import * as Y from 'yjs'
import { TesseraError } from './errors.js'
import { createRowId, type ColumnId } from './ids.js'
import { isValidId, type TableMaps } from './layout.js'
import { comparePositions, positionBetween } from './row-order.js'
import type { ColumnInput, Placement, Table } from './table-api.js'
import {
  checkColumnName,
  checkColumnType,
  describe,
  normalizeCell,
  readCell,
  type CellValue,
  type Column,
  type ColumnType,
} from './schema.js'

/** The table methods that change the schema; the table runs each in a guarded transaction. */
export type SchemaMethods = Pick<
  Table,
  | 'addColumn'
  | 'renameColumn'
  | 'removeColumn'
  | 'setColumnType'
  | 'setColumnDefault'
  | 'moveColumn'
>

/** The schema of one table document, with a cache rebuilt when the columns change. */
export interface Columns extends SchemaMethods {
  /** Visible columns in display order. */
  list(): readonly Column[]
  /** Every column id ever created in this table, removed ones included. */
  allIds(): readonly ColumnId[]
  /** The visible column with this name. @throws COLUMN_NOT_FOUND */
  require(name: string, where: string): Column
  find(name: string): Column | undefined
  /**
   * Reads the schema again; the table calls it when a transaction touched the schema. Eager,
   * so the last fields of every column are known before the next update (S29).
   */
  invalidate(): void
}

/** The schema of the table in `maps`, read once and again after each schema change. */
export function createColumns(maps: TableMaps): Columns {
  let cache: Schema | undefined
  const lastKnown: LastKnown = new Map()
  const build = (): Schema => readSchema(maps, lastKnown)
  const current = () => (cache ??= build())

  const fieldsOf = (name: string, where: string): Y.Map<unknown> => {
    const column = columns.require(name, where)
    return maps.columns.get(column.id)!
  }

  const positionFor = (
    placement: Placement | undefined,
    exclude: ColumnId | undefined,
    where: string,
  ) => {
    const list = current().list.filter((column) => column.id !== exclude)
    const anchorName = placement?.before ?? placement?.after
    if (anchorName === undefined) {
      return positionBetween(list.at(-1)?.position ?? null, null)
    }
    const anchor = columns.require(anchorName, where)
    const index = list.findIndex((column) => column.id === anchor.id)
    const [left, right] =
      placement?.before !== undefined
        ? [list[index - 1], list[index]]
        : [list[index], list[index + 1]]
    const low = left?.position ?? null
    const high = right?.position ?? null
    // Equal positions (a concurrent insert) leave no key between them: place past the tie.
    return low !== null && low === high ? positionBetween(low, null) : positionBetween(low, high)
  }

  const columns: Columns = {
    list: () => current().list,
    allIds: () => current().allIds,
    find: (name) => current().byName.get(name),
    require(name, where) {
      const column = current().byName.get(name)
      if (column === undefined) {
        const known =
          current()
            .list.map((c) => `"${c.name}"`)
            .join(', ') || 'none'
        throw new TesseraError(
          'COLUMN_NOT_FOUND',
          `${where}: no column named ${JSON.stringify(name)}; the table has ${known}. Add it with addColumn first`,
          { details: { column: name } },
        )
      }
      return column
    },
    addColumn(input, placement) {
      const { name, type, defaultValue } = checkColumnInput(input, current().byName)
      const id = columnIdFor(maps, input, name)
      const fields = new Y.Map<unknown>()
      const position = positionFor(placement, undefined, 'addColumn')
      maps.columns.doc!.transact(() => {
        maps.columns.set(id, fields)
        fields.set('name', name)
        fields.set('type', type)
        fields.set('default', defaultValue)
        fields.set('position', position)
      })
      cache = undefined
      return { id, name, type, default: defaultValue, position }
    },
    renameColumn(name, newName) {
      const fields = fieldsOf(name, 'renameColumn')
      checkColumnName(newName, 'renameColumn')
      if (newName !== name && current().byName.has(newName)) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          `renameColumn: a column named "${newName}" already exists; pick another name`,
        )
      }
      fields.set('name', newName)
      cache = undefined
    },
    removeColumn(name) {
      fieldsOf(name, 'removeColumn').set('removed', true)
      cache = undefined
    },
    setColumnType(name, type) {
      const fields = fieldsOf(name, 'setColumnType')
      const checked = checkColumnType(type, 'setColumnType')
      fields.set('type', checked)
      fields.set('default', readCell(checked, fields.get('default')))
      cache = undefined
    },
    setColumnDefault(name, value) {
      const column = columns.require(name, 'setColumnDefault')
      const stored = normalizeCell(column, value, 'setColumnDefault')
      maps.columns.get(column.id)!.set('default', stored)
      cache = undefined
    },
    moveColumn(name, placement) {
      const column = columns.require(name, 'moveColumn')
      maps.columns.get(column.id)!.set('position', positionFor(placement, column.id, 'moveColumn'))
      cache = undefined
    },
    invalidate() {
      cache = build()
    },
  }
  cache = build()
  return columns
}

/** The schema as read from the doc: visible columns in display order, by name, and every id. */
interface Schema {
  readonly list: Column[]
  readonly byName: Map<string, Column>
  readonly allIds: ColumnId[]
}

/**
 * S29: the fields each column last had. An update that arrives before one it depends on is held
 * by Yjs, but its deletions apply at once: a rename or retype then deletes the old value while
 * the new one waits, and the column would vanish until the gap is filled.
 */
type LastKnown = Map<ColumnId, { name: unknown; type: unknown; position: unknown }>

function readSchema(maps: TableMaps, lastKnown: LastKnown): Schema {
  const visible: Column[] = []
  const allIds: ColumnId[] = []
  maps.columns.forEach((fields, id) => {
    if (!(fields instanceof Y.Map)) return
    allIds.push(id as ColumnId)
    if (fields.get('removed') === true) return
    const known = lastKnown.get(id as ColumnId)
    const type = fields.has('type') ? fields.get('type') : known?.type
    const name = fields.has('name') ? fields.get('name') : known?.name
    const position = fields.has('position') ? fields.get('position') : known?.position
    lastKnown.set(id as ColumnId, { name, type, position })
    if (typeof name !== 'string' || typeof type !== 'string' || typeof position !== 'string') return
    const columnType = (['string', 'number', 'boolean', 'date', 'json'] as const).find(
      (t) => t === type,
    )
    if (columnType === undefined) return
    visible.push({
      id: id as ColumnId,
      name,
      type: columnType,
      default: readCell(columnType, fields.get('default')),
      position,
    })
  })
  visible.sort((a, b) => comparePositions(a.position, b.position) || (a.id < b.id ? -1 : 1))
  // S6: two columns may end up with one name (a concurrent add and rename). The first in
  // display order keeps it; the others are shown as "name~id" until someone renames them.
  const byName = new Map<string, Column>()
  const list = visible.map((column) => {
    if (!byName.has(column.name)) {
      byName.set(column.name, column)
      return column
    }
    const renamed = { ...column, name: `${column.name}~${column.id}` }
    byName.set(renamed.name, renamed)
    return renamed
  })
  return { list, byName, allIds }
}

/** Checks what `addColumn` was given. @throws INVALID_ARGUMENT, SCHEMA_VIOLATION for the default */
function checkColumnInput(
  input: ColumnInput,
  byName: ReadonlyMap<string, Column>,
): { name: string; type: ColumnType; defaultValue: CellValue } {
  const where = 'addColumn'
  if (typeof input !== 'object' || input === null) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: expected { name, type }, got ${describe(input)}`,
    )
  }
  const unknownKey = Object.keys(input).find(
    (key) => !['name', 'type', 'default', 'id'].includes(key),
  )
  if (unknownKey !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: unknown option "${unknownKey}"; expected name, type, default or id`,
    )
  }
  const name = checkColumnName(input.name, where)
  const type = checkColumnType(input.type, where)
  if (byName.has(name)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: a column named "${name}" already exists; pick another name or rename it first`,
    )
  }
  return {
    name,
    type,
    defaultValue: normalizeCell({ name, type }, input.default, `${where} default`),
  }
}

/** The id of a new column: the one given, else its name, else (S11, S12) the name made unique. */
function columnIdFor(maps: TableMaps, input: ColumnInput, name: string): ColumnId {
  const where = 'addColumn'
  const id = input.id ?? name
  if (!isValidId(id)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: id must be 1 to 256 characters without U+0000, got ${describe(id)}`,
    )
  }
  if (!maps.columns.has(id)) return id as ColumnId
  if (input.id !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: column id "${id}" is taken (perhaps by a removed column); choose another id`,
    )
  }
  return `${name}~${createRowId().slice(0, 6)}` as ColumnId
}

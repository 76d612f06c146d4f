// Applies an update from an untrusted writer and undoes, within the same transaction, whatever
// the schema or the writer's permissions do not allow (docs/semantics.md S30, S31, S80–S87,
// S286–S290). The check compares what the update changed, key by key, whatever Yjs operations
// carried it. Used by the sync server; pure Yjs, no I/O.
import * as Y from 'yjs'
import { tableMaps, type TableMaps } from './layout.js'
import type { TablePermissions } from './permissions.js'
import { checkOverrides } from './override-check.js'
import { checkRows, type ColumnTypes } from './row-check.js'
import { remoteContent } from './row-state.js'
import { createRowShapes, type RowShapes } from './row-shapes.js'
import { checkShapeRights, checkShapes } from './shape-check.js'
import { checkColumns, checkMeta, removeStrays } from './schema-check.js'
import { columnTypes, type ColumnType } from './schema.js'
import { checkValuesArray } from './values-array-check.js'
import { valuesArrayOf } from './values-row.js'
import type { AppliedUpdate, CheckContext } from './check-types.js'

export type { AppliedUpdate, Violation } from './check-types.js'

/** Options of `applyChecked`. */
export interface CheckOptions {
  /** The table's name: a writer without admin may write it as the name when the table has none. */
  tableName?: string
  /**
   * Called at the end of the checked transaction, before Yjs cleans it up (and encodes its
   * update): the result is final. It must not change the doc.
   */
  onChecked?: ((transaction: Y.Transaction, result: AppliedUpdate) => void) | undefined
}

/**
 * Applies `update` to `doc` and corrects its effect in the same transaction, so the update and
 * its correction reach storage and other replicas as one update: what was refused is deleted
 * within the transaction, so its content is in neither. Throws what Y.applyUpdate throws for a
 * malformed update (check updates before calling).
 */
export function applyChecked(
  doc: Y.Doc,
  update: Uint8Array,
  origin: unknown,
  permissions: TablePermissions,
  options: CheckOptions = {},
): AppliedUpdate {
  const maps = mapsOf(doc)
  // Looked up before the update: a root type Yjs made for content it brings would be another.
  const values = valuesArrayOf(doc)
  const result: AppliedUpdate = {
    violations: [],
    inserted: [],
    updated: new Map(),
    deleted: [],
    moved: [],
    schemaChanged: false,
    isCorrected: false,
    isIncomplete: false,
  }
  doc.transact((transaction) => {
    Y.applyUpdate(doc, update, origin)
    // applyUpdate marks the transaction remote; the corrections below are this replica's own
    // writes, and Yjs takes own writes in a remote transaction for a clientID clash (and picks a
    // new clientID). Keep it local, and tell the table the content came from elsewhere.
    transaction.local = true
    transaction.meta.set(remoteContent, true)
    result.isIncomplete = doc.store.pendingStructs !== null || doc.store.pendingDs !== null
    const context: CheckContext = {
      transaction,
      maps,
      values,
      shapes: shapesIn(transaction, maps),
      permissions,
      tableName: options.tableName,
      result,
    }
    const written = writtenBy(transaction)
    // S81 first: what it removes is then seen by the key checks as deleted.
    removeStrays(context)
    checkMeta(context)
    result.schemaChanged = checkColumns(context)
    checkShapes(context)
    const types = columnTypesIn(transaction, maps)
    const inserted = checkRows(context, types)
    checkOverrides(context, types, inserted)
    checkShapeRights(context)
    // After the rows and overrides: which values rows name, and which cells read them, is final.
    checkValuesArray(context, types)
    // Any write or deletion made by the checks is a correction the writer lacks.
    result.isCorrected = result.violations.length > 0 || writtenBy(transaction) !== written
    options.onChecked?.(transaction, result)
  }, origin)
  return result
}

/** Each checked doc's root maps: looked up once (Yjs makes a closure per lookup). */
const knownMaps = new WeakMap<Y.Doc, TableMaps>()

function mapsOf(doc: Y.Doc): TableMaps {
  let maps = knownMaps.get(doc)
  if (maps === undefined) knownMaps.set(doc, (maps = tableMaps(doc)))
  return maps
}

/** Each checked table's shapes (keyed by its shapes map), read through one cache. */
const knownShapes = new WeakMap<object, RowShapes>()

/**
 * The shapes of the table as `transaction` leaves them: a fresh reader when it changed the shapes
 * map, else the one kept for the table, which forgets each shape key a transaction changes.
 */
function shapesIn(transaction: Y.Transaction, maps: TableMaps): RowShapes {
  const changed: ReadonlyMap<object, unknown> = transaction.changed
  if (changed.has(maps.shapes)) return createRowShapes(maps)
  let shapes = knownShapes.get(maps.shapes)
  if (shapes === undefined) {
    const created = createRowShapes(maps)
    // Runs at the end of every transaction that changed a shape key, whoever made it.
    maps.shapes.observe((event) => {
      created.invalidate(event.keysChanged)
    })
    knownShapes.set(maps.shapes, (shapes = created))
  }
  return shapes
}

/** A count that grows with every item the transaction creates or deletes on this replica. */
function writtenBy(transaction: Y.Transaction): number {
  let deleted = 0
  for (const ranges of transaction.deleteSet.clients.values()) deleted += ranges.length
  return deleted + Y.getState(transaction.doc.store, transaction.doc.clientID)
}

/** Each table's column types (keyed by its columns map), kept until its columns change (S201). */
const knownTypes = new WeakMap<object, ColumnTypes>()
/** The columns maps observed for that: each once. */
const watched = new WeakSet()

/** The shared type that holds `type` (a Y.Map in a Y.Map), or null at the top. */
const parentOf = (type: object): object | null => {
  const parent = (type as { _item?: Y.Item | null })._item?.parent
  return parent instanceof Y.AbstractType ? parent : null
}

/** Whether `transaction` changed the columns map or a column in it (before its observers run). */
function changesColumns(transaction: Y.Transaction, columns: object): boolean {
  for (const type of transaction.changed.keys()) {
    for (let at: object | null = type; at !== null; at = parentOf(at)) {
      if (at === columns) return true
    }
  }
  return false
}

/**
 * The column types of the table as `transaction` leaves them so far: read afresh when the
 * transaction changed a column, else the ones kept since the columns last changed (S201: an
 * unchanged schema is judged the same way without walking it per update).
 */
function columnTypesIn(transaction: Y.Transaction, maps: TableMaps): ColumnTypes {
  const { columns } = maps
  if (changesColumns(transaction, columns)) return columnTypesById(maps)
  let types = knownTypes.get(columns)
  if (types === undefined) {
    types = columnTypesById(maps)
    // Runs at the end of every transaction that changed a column, whoever made it.
    if (!watched.has(columns)) {
      watched.add(columns)
      columns.observeDeep(() => knownTypes.delete(columns))
    }
    knownTypes.set(columns, types)
  }
  return types
}

function columnTypesById(maps: TableMaps): ColumnTypes {
  const types = new Map<string, ColumnType | 'removed'>()
  maps.columns.forEach((fields, id) => {
    if (!(fields instanceof Y.Map)) return
    const type = columnTypes.find((candidate) => candidate === fields.get('type'))
    types.set(id, fields.get('removed') === true || type === undefined ? 'removed' : type)
  })
  return types
}

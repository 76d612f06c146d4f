// A collaborative table over one Y.Doc: rows of cells that merge cell by cell, a schema, and
// a manual row order. No I/O: a provider syncs `table.doc`; this module only reads and writes it.
import * as Y from 'yjs'
import { createColumns, type Columns, type SchemaMethods } from './columns.js'
import { TesseraError } from './errors.js'
import { notifyAll } from './notify.js'
import { formatVersion, tableMaps, type TableMaps } from './layout.js'
import { removedColumnsOf, restoreColumnIn, runMigration, schemaVersionOf } from './migrations.js'
import { createLiveQuery } from './query/live-query.js'
import { evaluateQuery } from './query/query-match.js'
import { parseQuery } from './query/parse-query.js'
import type { ChangeSource, TableChange } from './row.js'
import { createRowPlacement } from './row-placement.js'
import { createRowReader } from './row-reader.js'
import { createRowShapes } from './row-shapes.js'
import { createRowStates, remoteContent, type RowStates } from './row-state.js'
import { createRowWrites } from './row-writes.js'
import { describe } from './schema.js'
import type { Table, TableOptions, WriteGuard, WriteKind } from './table-api.js'

/**
 * Creates a table over a Y.Doc (a new one by default).
 * @example
 * const table = createTable({ columns: [{ name: 'title', type: 'string' }] })
 * const id = table.insertRow({ title: 'write the docs' })
 * table.getRow(id) // { id, title: 'write the docs' }
 * @throws INVALID_ARGUMENT for unknown options or a doc written by a newer format version
 */
export function createTable(options: TableOptions = {}): Table {
  const { doc, maps } = openDoc(options)
  const origin = { table: options.name ?? 'tessera' }
  const columns = createColumns(maps)
  const states = createRowStates(maps, createRowShapes(maps))
  const handlers = new Set<(change: TableChange) => void>()
  let guard: WriteGuard | undefined
  const check = (kind: WriteKind, where: string): void => {
    guard?.(kind, where)
  }
  const edit = <T>(run: () => T): T => {
    let result: T | undefined
    doc.transact(() => {
      result = run()
    }, origin)
    return result as T
  }
  const reader = createRowReader(maps, states, columns)
  const placement = createRowPlacement(maps, states)
  const onAfterTransaction = (transaction: Y.Transaction): void => {
    const change = changeOf(transaction, maps, columns, states)
    if (change !== undefined) notifyAll(handlers, change)
  }
  doc.on('afterTransaction', onAfterTransaction)

  const table: Table = {
    doc,
    origin,
    get name() {
      const name = maps.meta.get('name')
      return typeof name === 'string' ? name : undefined
    },
    get size() {
      return states.size
    },
    columns: () => columns.list(),
    getColumn: (name) => columns.find(name),
    ...guardedSchema(columns, check, edit),
    removedColumns: () => removedColumnsOf(maps),
    restoreColumn: (column) => {
      check('schema', 'restoreColumn')
      edit(() => {
        restoreColumnIn(table, maps, column)
      })
    },
    get schemaVersion() {
      return schemaVersionOf(maps)
    },
    migrate: (version, change) => runMigration(table, maps, version, change),
    ...reader,
    ...createRowWrites({ maps, columns, states, placement, check, edit }),
    transact: edit,
    setWriteGuard(next) {
      guard = next
    },
    on(event, handler) {
      if (event !== 'change') {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          `on: unknown event ${describe(event)}; tables emit "change"`,
        )
      }
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    query: (query) => evaluateQuery(parseQuery(query, columns.list()), reader.listRows()).rows,
    liveQuery: (query) => createLiveQuery(table, query),
    toJSON: () => ({ name: table.name, columns: [...columns.list()], rows: reader.listRows() }),
    destroy() {
      doc.off('afterTransaction', onAfterTransaction)
      handlers.clear()
    },
  }

  edit(() => {
    if (!maps.meta.has('formatVersion')) maps.meta.set('formatVersion', formatVersion)
    if (options.name !== undefined && !maps.meta.has('name')) maps.meta.set('name', options.name)
    for (const column of options.columns ?? []) {
      if (columns.find(column.name) === undefined) columns.addColumn(column)
    }
  })
  return table
}

/** Checks the options and the doc's format version. @throws INVALID_ARGUMENT */
function openDoc(options: TableOptions): { doc: Y.Doc; maps: TableMaps } {
  const unknownKey = Object.keys(options).find((key) => !['doc', 'columns', 'name'].includes(key))
  if (unknownKey !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `createTable: unknown option "${unknownKey}"; expected doc, columns or name`,
    )
  }
  const doc = options.doc ?? new Y.Doc()
  if (!(doc instanceof Y.Doc)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `createTable: doc must be a Y.Doc, got ${describe(doc)}`,
    )
  }
  const maps = tableMaps(doc)
  const version = maps.meta.get('formatVersion')
  if (typeof version === 'number' && version > formatVersion) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `createTable: the doc has data format ${version}, newer than this version of tessera (${formatVersion}); upgrade tessera`,
    )
  }
  return { doc, maps }
}

/** The schema methods, each run after the write guard and in one transaction. */
function guardedSchema(
  columns: Columns,
  check: (kind: WriteKind, where: string) => void,
  edit: <T>(run: () => T) => T,
): SchemaMethods {
  const guarded = <K extends keyof SchemaMethods>(name: K): SchemaMethods[K] => {
    const method = columns[name] as (...args: Parameters<SchemaMethods[K]>) => unknown
    return ((...args: Parameters<SchemaMethods[K]>) => {
      check('schema', name)
      return edit(() => method(...args))
    }) as SchemaMethods[K]
  }
  return {
    addColumn: guarded('addColumn'),
    renameColumn: guarded('renameColumn'),
    removeColumn: guarded('removeColumn'),
    setColumnType: guarded('setColumnType'),
    setColumnDefault: guarded('setColumnDefault'),
    moveColumn: guarded('moveColumn'),
  }
}

/** The table change of one transaction, or undefined when it changed no row or column. */
function changeOf(
  transaction: Y.Transaction,
  maps: TableMaps,
  columns: Columns,
  states: RowStates,
): TableChange | undefined {
  let schemaChanged = false
  for (const type of transaction.changed.keys()) {
    const parent: unknown = type._item?.parent
    if ((type as unknown) === maps.columns || parent === maps.columns) schemaChanged = true
  }
  if (schemaChanged) columns.invalidate()
  const source: ChangeSource =
    transaction.origin instanceof Y.UndoManager
      ? 'undo'
      : transaction.local && !transaction.meta.has(remoteContent)
        ? 'local'
        : 'remote'
  return states.finish(transaction, source, schemaChanged, () => columns.allIds())
}

// A collaborative table over one Y.Doc: rows of cells that merge cell by cell, a schema, and
// a manual row order. No I/O: a provider syncs `table.doc`; this module only reads and writes it.
import * as Y from 'yjs'
import { createColumns } from './columns.js'
import { TesseraError } from './errors.js'
import { notifyAll } from './notify.js'
import { createIncarnation, createRowId, type ColumnId, type RowId } from './ids.js'
import {
  cellKey,
  checkRowId,
  formatVersion,
  isStoredRow,
  overrideFor,
  positionColumn,
  tableMaps,
  type StoredRow,
} from './layout.js'
import { createLiveQuery } from './live-query.js'
import { removedColumnsOf, restoreColumnIn, runMigration, schemaVersionOf } from './migrations.js'
import { parseQuery } from './query.js'
import { evaluateQuery } from './query-match.js'
import {
  createRowStates,
  remoteContent,
  type ChangeSource,
  type RowState,
  type TableChange,
} from './row-state.js'
import { createRowPlacement } from './row-placement.js'
import type { Position } from './row-order.js'
import { describe, normalizeCell, readCell, type CellValue } from './schema.js'

import type { Row, RowInput, Table, TableOptions, WriteGuard, WriteKind } from './table-api.js'

export type {
  InsertOptions,
  Row,
  RowInput,
  Table,
  TableOptions,
  WriteGuard,
  WriteKind,
} from './table-api.js'

/**
 * Creates a table over a Y.Doc (a new one by default).
 * @example
 * const table = createTable({ columns: [{ name: 'title', type: 'string' }] })
 * const id = table.insertRow({ title: 'write the docs' })
 * table.getRow(id) // { id, title: 'write the docs' }
 * @throws INVALID_ARGUMENT for unknown options or a doc written by a newer format version
 */
export function createTable(options: TableOptions = {}): Table {
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
  const origin = { table: options.name ?? 'tessera' }
  const columns = createColumns(maps)
  const states = createRowStates(maps)
  const handlers = new Set<(change: TableChange) => void>()
  let guard: WriteGuard | undefined
  const check = (kind: WriteKind, where: string): void => {
    guard?.(kind, where)
  }
  const schemaEdit = <T>(where: string, run: () => T): T => {
    check('schema', where)
    return edit(run)
  }

  const edit = <T>(run: () => T): T => {
    let result: T | undefined
    doc.transact(() => {
      result = run()
    }, origin)
    return result as T
  }

  const requireRow = (id: string, where: string): RowState => {
    const state = typeof id === 'string' ? states.get(id as RowId) : undefined
    if (state === undefined) {
      throw new TesseraError(
        'ROW_NOT_FOUND',
        `${where}: no row with id ${describe(id)}; check the id, or insert the row first`,
        { details: { id } },
      )
    }
    return state
  }

  /** Normalizes cells keyed by column name into stored values keyed by column id. */
  const toStored = (cells: RowInput, where: string): Record<ColumnId, CellValue> => {
    if (typeof cells !== 'object' || cells === null || Array.isArray(cells)) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `${where}: cells must be an object keyed by column name, got ${describe(cells)}`,
      )
    }
    const stored: Record<ColumnId, CellValue> = {}
    for (const name in cells) {
      if (name === 'id' || !Object.hasOwn(cells, name)) continue
      const column = columns.require(name, where)
      stored[column.id] = normalizeCell(column, cells[name], `${where} ${name}`)
    }
    return stored
  }

  const readRow = (id: RowId, stored: StoredRow): Row => {
    const row: Record<string, CellValue> = { id }
    const hasOverrides = states.hasOverrides(id)
    for (const column of columns.list()) {
      const override = hasOverrides
        ? overrideFor(maps.cells.get(cellKey(id, column.id)), stored.i)
        : undefined
      const raw =
        override !== undefined
          ? override.value
          : column.id in stored.c
            ? stored.c[column.id]
            : column.default
      row[column.name] = readCell(column.type, raw)
    }
    return row as Row
  }

  const writeCells = (state: RowState, stored: Record<ColumnId, CellValue>): void => {
    for (const [columnId, value] of Object.entries(stored)) {
      states.markOverridden(state.id)
      maps.cells.set(cellKey(state.id, columnId as ColumnId), [state.inc, value])
    }
  }

  const rowPlacement = createRowPlacement(maps, states, requireRow)

  const insertAt = (id: RowId, stored: Record<ColumnId, CellValue>, position: Position): void => {
    const inc = createIncarnation()
    maps.rows.set(id, { i: inc, p: position, c: stored })
    states.setLocal(id, { id, inc, position })
  }

  const removeRow = (state: RowState): void => {
    maps.rows.delete(state.id)
    for (const columnId of [positionColumn, ...columns.allIds()]) {
      const key = cellKey(state.id, columnId)
      if (maps.cells.has(key)) maps.cells.delete(key)
    }
    states.setLocal(state.id, undefined)
  }

  const onAfterTransaction = (transaction: Y.Transaction): void => {
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
    const change = states.finish(transaction, source, schemaChanged, () => columns.allIds())
    if (change === undefined) return
    notifyAll(handlers, change)
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
    addColumn: (column, placement) => schemaEdit('addColumn', () => columns.add(column, placement)),
    renameColumn: (name, newName) => {
      schemaEdit('renameColumn', () => {
        columns.rename(name, newName)
      })
    },
    removeColumn: (name) => {
      schemaEdit('removeColumn', () => {
        columns.remove(name)
      })
    },
    setColumnType: (name, type) => {
      schemaEdit('setColumnType', () => {
        columns.setType(name, type)
      })
    },
    setColumnDefault: (name, value) => {
      schemaEdit('setColumnDefault', () => {
        columns.setDefault(name, value)
      })
    },
    removedColumns: () => removedColumnsOf(maps),
    restoreColumn: (column) => {
      schemaEdit('restoreColumn', () => {
        restoreColumnIn(table, maps, column)
      })
    },
    get schemaVersion() {
      return schemaVersionOf(maps)
    },
    migrate: (version, change) => runMigration(table, maps, version, change),
    moveColumn: (name, placement) => {
      schemaEdit('moveColumn', () => {
        columns.move(name, placement)
      })
    },
    insertRow(cells = {}, options = {}) {
      const unknownKey = Object.keys(options).find(
        (key) => !['id', 'before', 'after'].includes(key),
      )
      if (unknownKey !== undefined) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          `insertRow: unknown option "${unknownKey}"; expected id, before or after`,
        )
      }
      const given = options.id ?? (cells as { id?: unknown }).id
      const id = given === undefined ? createRowId() : checkRowId(given, 'insertRow')
      const stored = toStored(cells, 'insertRow')
      check(states.get(id) === undefined ? 'insert' : 'update', 'insertRow')
      return edit(() => {
        const existing = states.get(id)
        const placed = options.before !== undefined || options.after !== undefined
        if (existing === undefined)
          insertAt(id, stored, rowPlacement.placeRows(1, options, undefined, 'insertRow')[0]!)
        else {
          writeCells(existing, stored)
          if (placed)
            rowPlacement.moveTo(existing, rowPlacement.placeRows(1, options, id, 'insertRow')[0]!)
        }
        return id
      })
    },
    insertRows(rows, placement) {
      if (!Array.isArray(rows)) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          `insertRows: expected an array of rows, got ${describe(rows)}`,
        )
      }
      const prepared = rows.map((cells: RowInput, index) => {
        const given = (cells as { id?: unknown } | null)?.id
        const id = given === undefined ? createRowId() : checkRowId(given, `insertRows[${index}]`)
        return { id, stored: toStored(cells, `insertRows[${index}]`) }
      })
      if (prepared.some(({ id }) => states.get(id) === undefined)) check('insert', 'insertRows')
      if (prepared.some(({ id }) => states.get(id) !== undefined)) check('update', 'insertRows')
      return edit(() => {
        const fresh = prepared.filter(({ id }) => states.get(id) === undefined)
        const positions =
          fresh.length === 0
            ? []
            : rowPlacement.placeRows(fresh.length, placement, undefined, 'insertRows')
        let next = 0
        for (const { id, stored } of prepared) {
          const existing = states.get(id)
          if (existing !== undefined) writeCells(existing, stored)
          else insertAt(id, stored, positions[next++]!)
        }
        return prepared.map(({ id }) => id)
      })
    },
    setRow(id, cells) {
      table.insertRow(cells, { id })
    },
    updateRow(id, cells) {
      const state = requireRow(id, 'updateRow')
      const stored = toStored(cells, 'updateRow')
      check('update', 'updateRow')
      edit(() => {
        writeCells(state, stored)
      })
    },
    getRow(id) {
      const stored: unknown = maps.rows.get(id)
      return isStoredRow(stored) ? readRow(id as RowId, stored) : undefined
    },
    hasRow: (id) => states.get(id as RowId) !== undefined,
    deleteRow(id) {
      const state = states.get(id as RowId)
      if (state !== undefined) check('delete', 'deleteRow')
      if (state !== undefined)
        edit(() => {
          removeRow(state)
        })
      return state !== undefined
    },
    deleteRows(ids) {
      let count = 0
      check('delete', 'deleteRows')
      edit(() => {
        for (const id of ids) {
          const state = states.get(id as RowId)
          if (state === undefined) continue
          removeRow(state)
          count++
        }
      })
      return count
    },
    moveRow(id, placement) {
      const state = requireRow(id, 'moveRow')
      if (placement?.before === undefined && placement?.after === undefined) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          'moveRow: give { before: rowId } or { after: rowId }',
        )
      }
      if (placement.before === id || placement.after === id) return
      check('update', 'moveRow')
      edit(() => {
        rowPlacement.moveTo(state, rowPlacement.placeRows(1, placement, state.id, 'moveRow')[0]!)
      })
    },
    getCell(id, name) {
      const column = columns.require(name, 'getCell')
      const stored: unknown = maps.rows.get(id)
      if (!isStoredRow(stored)) return undefined
      const override = states.hasOverrides(id as RowId)
        ? overrideFor(maps.cells.get(cellKey(id as RowId, column.id)), stored.i)
        : undefined
      const raw =
        override !== undefined
          ? override.value
          : column.id in stored.c
            ? stored.c[column.id]
            : column.default
      return readCell(column.type, raw)
    },
    setCell(id, name, value) {
      const state = requireRow(id, 'setCell')
      const column = columns.require(name, 'setCell')
      const stored = normalizeCell(column, value, `setCell ${name}`)
      check('update', 'setCell')
      edit(() => {
        states.markOverridden(state.id)
        maps.cells.set(cellKey(state.id, column.id), [state.inc, stored])
      })
    },
    getPosition: (id) => states.get(id as RowId)?.position,
    rowIds: () => Array.from(states.order().values(), (state) => state.id),
    listRows: () => table.rowIds().map((id) => table.getRow(id)!),
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
    query: (query) => evaluateQuery(parseQuery(query, columns.list()), table.listRows()).rows,
    liveQuery: (query) => createLiveQuery(table, query),
    toJSON: () => ({ name: table.name, columns: [...columns.list()], rows: table.listRows() }),
    destroy() {
      doc.off('afterTransaction', onAfterTransaction)
      handlers.clear()
    },
  }

  edit(() => {
    if (!maps.meta.has('formatVersion')) maps.meta.set('formatVersion', formatVersion)
    if (options.name !== undefined && !maps.meta.has('name')) maps.meta.set('name', options.name)
    for (const column of options.columns ?? []) {
      if (columns.find(column.name) === undefined) columns.add(column)
    }
  })
  return table
}

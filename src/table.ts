// A collaborative table over one Y.Doc: rows of cells that merge cell by cell, a schema, and
// a manual row order. No I/O: a provider syncs `table.doc`; this module only reads and writes it.
import * as Y from 'yjs'
import { createColumns, type ColumnInput, type Placement } from './columns.js'
import { TesseraError } from './errors.js'
import { notifyAll } from './notify.js'
import { createIncarnation, createRowId, type ColumnId, type RowId } from './ids.js'
import {
  cellKey,
  formatVersion,
  isStoredRow,
  isValidId,
  overrideFor,
  positionColumn,
  tableMaps,
  type StoredRow,
} from './layout.js'
import { createLiveQuery, type LiveQuery } from './live-query.js'
import { parseQuery, type Query } from './query.js'
import { evaluateQuery } from './query-match.js'
import {
  createRowStates,
  remoteContent,
  type ChangeSource,
  type RowState,
  type TableChange,
} from './row-state.js'
import { positionsBetween, type Position } from './row-order.js'
import {
  describe,
  normalizeCell,
  readCell,
  type CellInput,
  type CellValue,
  type Column,
  type ColumnType,
} from './schema.js'

/** A row as the API reads it: its id and one value per visible column, keyed by column name. */
export type Row = { readonly id: RowId } & { readonly [column: string]: CellValue }

/** Cells to write, keyed by column name. An `id` key names the row (for inserts). */
export type RowInput = { readonly [column: string]: CellInput }

export interface TableOptions {
  /** The document to wrap (one that a provider syncs); default: a new Y.Doc. */
  doc?: Y.Doc
  /** Columns to ensure: each one whose name is missing is added, in this order. */
  columns?: readonly ColumnInput[]
  /** The table's name, written to the doc's metadata when it has none. */
  name?: string
}

/** What a write method changes: rows (insert, update, delete) or the schema. */
export type WriteKind = 'insert' | 'update' | 'delete' | 'schema'

/**
 * Consulted by every write method before it touches the doc; throws (FORBIDDEN) to refuse.
 * `where` names the method, for the error message.
 */
export type WriteGuard = (kind: WriteKind, where: string) => void

export interface InsertOptions extends Placement {
  /** The row's id; default: a new collision-resistant id. An existing id updates that row. */
  id?: string
}

export interface Table {
  /** The Y.Doc holding the table: what a provider syncs and a store persists. */
  readonly doc: Y.Doc
  /** The transaction origin of this table's own edits (what an UndoManager should track). */
  readonly origin: object
  readonly name: string | undefined
  /** The number of rows. */
  readonly size: number
  columns(): readonly Column[]
  getColumn(name: string): Column | undefined
  addColumn(column: ColumnInput, placement?: Placement): Column
  renameColumn(name: string, newName: string): void
  removeColumn(name: string): void
  setColumnType(name: string, type: ColumnType): void
  setColumnDefault(name: string, value: CellInput): void
  moveColumn(name: string, placement: Placement): void
  insertRow(cells?: RowInput, options?: InsertOptions): RowId
  insertRows(rows: readonly RowInput[], placement?: Placement): RowId[]
  setRow(id: string, cells: RowInput): void
  updateRow(id: string, cells: RowInput): void
  getRow(id: string): Row | undefined
  hasRow(id: string): boolean
  deleteRow(id: string): boolean
  deleteRows(ids: Iterable<string>): number
  moveRow(id: string, placement: Placement): void
  getCell(id: string, column: string): CellValue | undefined
  setCell(id: string, column: string, value: CellInput): void
  /** The row's manual-order position, or undefined when the row does not exist. */
  getPosition(id: string): Position | undefined
  rowIds(): RowId[]
  listRows(): Row[]
  transact<T>(edit: () => T): T
  /**
   * Sets (or with undefined, clears) the check every write method runs before touching the doc,
   * e.g. the connection's permissions (docs/semantics.md S58). Direct doc writes bypass it.
   */
  setWriteGuard(guard: WriteGuard | undefined): void
  on(event: 'change', handler: (change: TableChange) => void): () => void
  /**
   * Runs a query from scratch and returns the window of rows it asks for (docs/queries.md).
   * @throws INVALID_QUERY naming the path of what is wrong
   */
  query(query: Query): Row[]
  /**
   * Runs a query and keeps its result up to date, one diff per transaction (docs/queries.md).
   * @throws INVALID_QUERY naming the path of what is wrong
   */
  liveQuery(query: Query): LiveQuery
  toJSON(): { name: string | undefined; columns: Column[]; rows: Row[] }
  destroy(): void
}

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

  const checkRowId = (id: unknown, where: string): RowId => {
    if (!isValidId(id)) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `${where}: a row id must be a string of 1 to 256 characters without U+0000, got ${describe(id)}`,
      )
    }
    return id as RowId
  }

  /** Positions for `count` rows placed as asked, repairing a tie between the neighbours. */
  const placeRows = (
    count: number,
    placement: Placement | undefined,
    moving: RowId | undefined,
    where: string,
  ): Position[] => {
    const anchorId = placement?.before ?? placement?.after
    if (anchorId === undefined) return positionsBetween(states.maxPosition(), null, count)
    if (placement?.before !== undefined && placement.after !== undefined) {
      throw new TesseraError('INVALID_ARGUMENT', `${where}: give either before or after, not both`)
    }
    const anchor = requireRow(
      anchorId,
      `${where} ${placement?.before !== undefined ? 'before' : 'after'}`,
    )
    const order = states.order()
    const skip = (index: number, step: number): RowState | undefined => {
      let state = order.at(index)
      while (state !== undefined && state.id === moving) state = order.at((index += step))
      return state
    }
    const at = order.indexOf(anchor)
    const [left, right] =
      placement?.before !== undefined ? [skip(at - 1, -1), anchor] : [anchor, skip(at + 1, 1)]
    if (left === undefined || right === undefined || left.position !== right.position) {
      return positionsBetween(left?.position ?? null, right?.position ?? null, count)
    }
    // S5: equal positions (concurrent inserts at one place) leave no key between them. Give the
    // new rows and every tied row after them fresh positions up to the next distinct one.
    const tied: RowState[] = []
    for (let index = order.indexOf(right); ; index++) {
      const state = order.at(index)
      if (state === undefined || state.position !== right.position) break
      if (state.id !== moving) tied.push(state)
    }
    const next = order.at(order.indexOf(tied.at(-1)!) + 1)?.position ?? null
    const fresh = positionsBetween(left.position, next, count + tied.length)
    tied.forEach((state, index) => {
      moveTo(state, fresh[count + index]!)
    })
    return fresh.slice(0, count)
  }

  const moveTo = (state: RowState, position: Position): void => {
    states.markOverridden(state.id)
    maps.cells.set(cellKey(state.id, positionColumn), [state.inc, position])
    states.setLocal(state.id, { ...state, position })
  }

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
          insertAt(id, stored, placeRows(1, options, undefined, 'insertRow')[0]!)
        else {
          writeCells(existing, stored)
          if (placed) moveTo(existing, placeRows(1, options, id, 'insertRow')[0]!)
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
          fresh.length === 0 ? [] : placeRows(fresh.length, placement, undefined, 'insertRows')
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
        moveTo(state, placeRows(1, placement, state.id, 'moveRow')[0]!)
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

// An independent model of what the server keeps of a writer's update (docs/semantics.md S80–S87),
// written from the rules over plain snapshots of a table document, with no Yjs internals: the
// property test compares the real server against it. It reuses only the S15 conversions.
import * as Y from 'yjs'
import { fitsType, readCell, type ColumnType } from '../../src/schema.js'
import { isPosition } from '../../src/row-order.js'

/** A Yjs type found where a plain value was expected. */
export const TYPE = '<yjs type>'

export type Column =
  { kind: 'column'; fields: Map<string, unknown> } | { kind: 'other'; value: unknown }

/** A table document as plain data: each map's entries, and content outside the layout. */
export interface RawState {
  meta: Map<string, unknown>
  columns: Map<string, Column>
  rows: Map<string, unknown>
  cells: Map<string, unknown>
  /** Live items outside the layout: other root types, list content of the four maps. */
  strays: string[]
}

export interface Rights {
  insert: boolean
  update: boolean
  delete: boolean
  admin: boolean
}

const layout = ['meta', 'columns', 'rows', 'cells']

/** Any Yjs type, as `doc.share` holds them. */
interface SharedType {
  _start: Y.Item | null
  _map: Map<string, Y.Item>
}

const plain = (value: unknown): unknown => (value instanceof Y.AbstractType ? TYPE : value)

/** Every live item of a type (list items and the newest value of each key), described. */
function describeItems(name: string, type: SharedType, listOnly: boolean): string[] {
  const found: string[] = []
  for (let item = type._start; item !== null; item = item.right) {
    if (!item.deleted) found.push(`${name}[]=${canonical(item.content.getContent().map(plain))}`)
  }
  if (listOnly) return found
  for (const [key, item] of type._map) {
    if (item.deleted) continue
    const value = item.content.getContent().at(-1)
    found.push(`${name}.${key}=${canonical(plain(value))}`)
    if (value instanceof Y.AbstractType)
      found.push(...describeItems(`${name}.${key}`, value, false))
  }
  return found
}

/** Reads a document as plain data (never writing to it). */
export function readRawState(doc: Y.Doc): RawState {
  const entries = (name: string) => {
    const type = doc.share.get(name)
    const map = new Map<string, unknown>()
    if (type === undefined) return map
    for (const [key, item] of type._map) {
      if (!item.deleted) map.set(key, item.content.getContent().at(-1))
    }
    return map
  }
  const columns = new Map<string, Column>()
  for (const [id, value] of entries('columns')) {
    if (value instanceof Y.Map) {
      const fields = new Map<string, unknown>()
      for (const [field, fieldValue] of entries2(value)) fields.set(field, plain(fieldValue))
      columns.set(id, { kind: 'column', fields })
    } else columns.set(id, { kind: 'other', value: plain(value) })
  }
  const plainMap = (name: string) =>
    new Map([...entries(name)].map(([key, value]) => [key, plain(value)]))
  const strays: string[] = []
  for (const [name, type] of doc.share) {
    strays.push(...describeItems(name, type, layout.includes(name)))
  }
  return {
    meta: plainMap('meta'),
    columns,
    rows: plainMap('rows'),
    cells: plainMap('cells'),
    strays: strays.sort(),
  }
}

function entries2(map: Y.Map<unknown>): [string, unknown][] {
  return [...map._map]
    .filter(([, item]) => !item.deleted)
    .map(([key, item]) => [key, item.content.getContent().at(-1)])
}

/** A value as a string that is equal for equal values (object keys sorted). */
export function canonical(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (value instanceof Uint8Array) return `bytes(${[...value].join(',')})`
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b)

/** A snapshot as one comparable value. */
export function stateJson(state: RawState): unknown {
  const sorted = (map: Map<string, unknown>) =>
    [...map].map(([key, value]) => [key, canonical(value)]).sort()
  const columns = [...state.columns].map(([id, column]) => [
    id,
    column.kind === 'column' ? sorted(column.fields) : `other:${canonical(column.value)}`,
  ])
  return {
    meta: sorted(state.meta),
    columns: columns.sort(),
    rows: sorted(state.rows),
    cells: sorted(state.cells),
    strays: state.strays,
  }
}

interface Row {
  i: number
  p: string
  c: Record<string, unknown>
}

const asRow = (value: unknown): Row | undefined => {
  if (typeof value !== 'object' || value === null) return undefined
  const row = value as Partial<Row>
  return typeof row.i === 'number' &&
    typeof row.p === 'string' &&
    typeof row.c === 'object' &&
    row.c !== null
    ? (row as Row)
    : undefined
}

const isOverride = (value: unknown): value is [number, unknown] =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'number'

const typeNames: readonly string[] = ['string', 'number', 'boolean', 'date', 'json']

function columnTypes(columns: Map<string, Column>): Map<string, ColumnType | undefined> {
  const types = new Map<string, ColumnType | undefined>()
  for (const [id, column] of columns) {
    if (column.kind !== 'column') continue
    const type = column.fields.get('type')
    const isVisible = column.fields.get('removed') !== true && typeNames.includes(type as string)
    types.set(id, isVisible ? (type as ColumnType) : undefined)
  }
  return types
}

const withoutTypes = (column: Column & { kind: 'column' }): Column => ({
  kind: 'column',
  fields: new Map([...column.fields].filter(([, value]) => value !== TYPE)),
})

/** S82: may the metadata key go from `before` to `after`? */
function metaAllowed(
  key: string,
  before: unknown,
  after: unknown,
  rights: Rights,
  tableName: string,
) {
  // Any known version may be filled in; an older one raised to today's (S127).
  const isKnown = Number.isInteger(after) && (after as number) >= 1 && (after as number) <= 3
  if (before === undefined && key === 'formatVersion' && isKnown) return true
  // A writer of a newer known format raises it (S282), never lowers it.
  if (
    typeof before === 'number' &&
    key === 'formatVersion' &&
    isKnown &&
    (after as number) > before
  )
    return true
  if (before === undefined && key === 'name' && after === tableName) return true
  if (!rights.admin) return false
  if (key === 'formatVersion') return after === undefined || after === 3
  if (key === 'name') return after === undefined || typeof after === 'string'
  return true
}

/** S86: a row value as the server keeps it: cells fitted to their columns, a valid position. */
function correctRow(row: Row, types: Map<string, ColumnType | undefined>): Row {
  const c: Record<string, unknown> = {}
  for (const [id, value] of Object.entries(row.c)) {
    const type = types.get(id)
    if (type !== undefined) c[id] = fitsType(type, value) ? value : readCell(type, value)
  }
  return { i: row.i, p: isPosition(row.p) ? row.p : 'a0', c }
}

function union<K>(...maps: Map<K, unknown>[]): Set<K> {
  return new Set(maps.flatMap((map) => [...map.keys()]))
}

/** Rows: each key judged from its value before and after (S84). */
function expectRows(
  before: RawState,
  after: RawState,
  rights: Rights,
  types: Map<string, ColumnType | undefined>,
) {
  const rows = new Map<string, unknown>()
  const inserted = new Set<string>()
  const restored = new Map<string, Row>()
  for (const id of union(before.rows, after.rows)) {
    const b = before.rows.get(id)
    const a = after.rows.get(id)
    const keep = (value: unknown) => {
      if (value !== undefined) rows.set(id, value)
    }
    if (same(a, b)) {
      keep(b)
      continue
    }
    const bRow = asRow(b)
    const aRow = asRow(a)
    if (bRow === undefined && aRow === undefined) continue
    const restore = () => {
      keep(b)
      restored.set(id, bRow!)
    }
    if (bRow !== undefined && aRow?.i === bRow.i) {
      if (rights.update) keep(correctRow(aRow, types))
      else restore()
    } else if (bRow !== undefined && !rights.delete) restore()
    else if (aRow !== undefined && rights.insert) {
      keep(correctRow(aRow, types))
      inserted.add(id)
    }
  }
  return { rows, inserted, restored }
}

/** Overrides: each key judged by what readers see (S85, S86). */
function expectCells(
  before: RawState,
  after: RawState,
  rights: Rights,
  types: Map<string, ColumnType | undefined>,
  judged: ReturnType<typeof expectRows>,
) {
  const cells = new Map<string, unknown>()
  for (const key of union(before.cells, after.cells)) {
    const b = before.cells.get(key)
    const a = after.cells.get(key)
    const set = (value: unknown) => {
      if (value !== undefined) cells.set(key, value)
    }
    const at = key.indexOf('\u0000')
    const rowId = at < 0 ? undefined : key.slice(0, at)
    const columnId = key.slice(at + 1)
    const restoredRow = rowId === undefined ? undefined : judged.restored.get(rowId)
    if (same(a, b) || (restoredRow !== undefined && isOverride(b) && b[0] === restoredRow.i)) {
      set(b)
      continue
    }
    const row = rowId === undefined ? undefined : asRow(judged.rows.get(rowId))
    const isLive = (value: unknown) => row !== undefined && isOverride(value) && value[0] === row.i
    const mayWrite = rowId !== undefined && (judged.inserted.has(rowId) || rights.update)
    if (!isLive(a)) {
      if (isLive(b) && !mayWrite) set(b)
      continue
    }
    if (!mayWrite) {
      set(b)
      continue
    }
    const [incarnation, value] = a as [number, unknown]
    if (columnId === '') {
      if (isPosition(value)) set(a)
      continue
    }
    const type = types.get(columnId)
    if (type !== undefined) set(fitsType(type, value) ? a : [incarnation, readCell(type, value)])
  }
  return cells
}

/**
 * What the server keeps when a writer with `rights` turns the table from `before` into `after`
 * in one update (its raw effect, as the writer's own copy shows it).
 */
export function expectState(
  before: RawState,
  after: RawState,
  rights: Rights,
  tableName: string,
): RawState {
  const meta = new Map<string, unknown>()
  for (const key of union(before.meta, after.meta)) {
    const b = before.meta.get(key)
    const raw = after.meta.get(key)
    const a = raw === TYPE ? undefined : raw
    const value = same(a, b) || !metaAllowed(key, b, a, rights, tableName) ? b : a
    if (value !== undefined) meta.set(key, value)
  }
  const columns = new Map<string, Column>()
  for (const id of union(before.columns, after.columns)) {
    const b = before.columns.get(id)
    const a = after.columns.get(id)
    // S31: a Yjs type in a field counts as deleting it.
    const value = rights.admin && a?.kind === 'column' ? withoutTypes(a) : b
    if (value !== undefined) columns.set(id, value)
  }
  const types = columnTypes(columns)
  const judged = expectRows(before, after, rights, types)
  return {
    meta,
    columns,
    rows: judged.rows,
    cells: expectCells(before, after, rights, types, judged),
    strays: rights.admin ? after.strays : before.strays,
  }
}

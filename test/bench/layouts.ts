// The row layouts the benchmarks compare: Tessera through its public API, and raw Yjs layouts
// written straight to a Y.Doc (one JSON value per row, a Y.Map per row, flat cell keys, a Y.Map
// per column). One workload: 10 mixed columns (strings, numbers, booleans, a date, a JSON value).
import * as Y from 'yjs'
import { createTable, type Table } from '../../src/index.js'

export const columnIds = Array.from({ length: 10 }, (_, index) => `c${index}`)
export const columnTypes = [
  'string',
  'number',
  'boolean',
  'string',
  'number',
  'date',
  'string',
  'number',
  'boolean',
  'json',
] as const

const valueOf = (row: number, column: number): string | number | boolean | object => {
  const type = columnTypes[column] ?? 'json'
  switch (type) {
    case 'string':
      return `text ${row} ${column}`
    case 'number':
      return row * 10 + column
    case 'boolean':
      return row % 2 === 0
    case 'date':
      return new Date(Date.UTC(2026, 0, 1) + row * 60_000).toISOString()
    case 'json':
      return { n: row }
  }
}

/** The cells of row number `row`, keyed by column id (which is also the column's name). */
export const rowOf = (row: number): Record<string, unknown> =>
  Object.fromEntries(columnIds.map((id, column) => [id, valueOf(row, column)]))

/** One layout under test: how it opens a doc, writes, reads, deletes and reports changes. */
export interface Layout {
  /** Short name for TESSERA_BENCH_LAYOUTS. */
  key: string
  name: string
  /** A peer the targets compare Tessera with (a ratio row is printed for it). */
  isPeer: boolean
  /** Measured for its inserts only (a floor: it writes rows, and reads and edits none). */
  isInsertOnly?: boolean
  /** Opens a doc for use (Tessera builds its table; raw layouts have nothing to build). */
  open(doc: Y.Doc): void
  /**
   * Inserts every row of `rows` (prepared beforehand, so only the store's work is timed; rows
   * carry their `id` for Tessera only).
   */
  insert(doc: Y.Doc, ids: string[], rows: readonly Record<string, unknown>[]): void
  setCell(doc: Y.Doc, id: string, column: string, value: unknown): void
  getCell(doc: Y.Doc, id: string, column: string): unknown
  deleteRows(doc: Y.Doc, ids: string[]): void
  /** The number of rows. */
  size(doc: Y.Doc): number
  /** Attaches what turns Yjs events into changed row ids; returns the last set seen. */
  watch(doc: Y.Doc): () => Set<string>
}

const jsonRows: Layout = {
  key: 'json',
  name: 'raw Yjs, JSON row per Y.Map entry',
  isPeer: true,
  open(doc) {
    doc.getMap('rows')
  },
  insert: (doc, ids, input) => {
    doc.transact(() => {
      const rows = doc.getMap('rows')
      ids.forEach((id, index) => rows.set(id, input[index]!))
    })
  },
  setCell(doc, id, column, value) {
    const rows = doc.getMap<Record<string, unknown>>('rows')
    doc.transact(() => rows.set(id, { ...rows.get(id), [column]: value }))
  },
  getCell: (doc, id, column) => doc.getMap<Record<string, unknown>>('rows').get(id)?.[column],
  deleteRows: (doc, ids) => {
    doc.transact(() => ids.forEach((id) => doc.getMap('rows').delete(id)))
  },
  size: (doc) => doc.getMap('rows').size,
  watch(doc) {
    let seen = new Set<string>()
    doc.getMap('rows').observe((event) => {
      seen = new Set(event.keysChanged)
    })
    return () => seen
  },
}

const nested: Layout = {
  key: 'nested',
  name: 'raw Yjs, Y.Map per row',
  isPeer: true,
  open(doc) {
    doc.getMap('rows')
  },
  insert: (doc, ids, input) => {
    doc.transact(() => {
      const rows = doc.getMap<Y.Map<unknown>>('rows')
      ids.forEach((id, index) => {
        const row = new Y.Map<unknown>()
        rows.set(id, row)
        for (const [key, value] of Object.entries(input[index]!)) row.set(key, value)
      })
    })
  },
  setCell: (doc, id, column, value) => {
    doc.transact(() => doc.getMap<Y.Map<unknown>>('rows').get(id)!.set(column, value))
  },
  getCell: (doc, id, column) => doc.getMap<Y.Map<unknown>>('rows').get(id)?.get(column),
  deleteRows: (doc, ids) => {
    doc.transact(() => ids.forEach((id) => doc.getMap('rows').delete(id)))
  },
  size: (doc) => doc.getMap('rows').size,
  watch(doc) {
    let seen = new Set<string>()
    doc.getMap('rows').observeDeep((events) => {
      seen = new Set()
      for (const event of events) {
        if (event instanceof Y.YMapEvent && event.target === doc.getMap('rows')) {
          for (const key of event.keysChanged) seen.add(key)
        } else seen.add(event.path[0] as string)
      }
    })
    return () => seen
  },
}

const flat: Layout = {
  key: 'flat',
  name: 'raw Yjs, flat cell keys (row\\0column)',
  isPeer: false,
  open(doc) {
    doc.getMap('cells')
  },
  insert: (doc, ids, rows) => {
    doc.transact(() => {
      const cells = doc.getMap('cells')
      ids.forEach((id, index) => {
        for (const [key, value] of Object.entries(rows[index]!))
          cells.set(`${id}\u0000${key}`, value)
      })
    })
  },
  setCell: (doc, id, column, value) => {
    doc.transact(() => doc.getMap('cells').set(`${id}\u0000${column}`, value))
  },
  getCell: (doc, id, column) => doc.getMap('cells').get(`${id}\u0000${column}`),
  deleteRows: (doc, ids) => {
    doc.transact(() =>
      ids.forEach((id) =>
        columnIds.forEach((column) => doc.getMap('cells').delete(`${id}\u0000${column}`)),
      ),
    )
  },
  size: (doc) => doc.getMap('cells').size / columnIds.length,
  watch(doc) {
    let seen = new Set<string>()
    doc.getMap('cells').observe((event) => {
      seen = new Set([...event.keysChanged].map((key) => key.slice(0, key.indexOf('\u0000'))))
    })
    return () => seen
  },
}

const byColumn: Layout = {
  key: 'column',
  name: 'raw Yjs, one Y.Map per column',
  isPeer: false,
  open(doc) {
    for (const column of columnIds) doc.getMap(column)
  },
  insert: (doc, ids, rows) => {
    doc.transact(() => {
      const maps = columnIds.map((column) => doc.getMap(column))
      ids.forEach((id, index) => {
        const row = rows[index]!
        columnIds.forEach((column, at) => maps[at]!.set(id, row[column]))
      })
    })
  },
  setCell: (doc, id, column, value) => {
    doc.transact(() => doc.getMap(column).set(id, value))
  },
  getCell: (doc, id, column) => doc.getMap(column).get(id),
  deleteRows: (doc, ids) => {
    doc.transact(() =>
      ids.forEach((id) => columnIds.forEach((column) => doc.getMap(column).delete(id))),
    )
  },
  size: (doc) => doc.getMap(columnIds[0]).size,
  watch(doc) {
    let seen = new Set<string>()
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      seen = new Set()
      for (const keys of transaction.changed.values())
        for (const key of keys) if (key !== null) seen.add(key)
    })
    return () => seen
  },
}

// The floor of Tessera's bulk insert (issue 16 item 4): raw Yjs doing only the work data format 3
// asks of an insert (docs/architecture.md, "Layout"), none of Tessera's own (no checks, no row
// index, no change bookkeeping). Per chunk of 100 rows one item of first values appended to `v`
// (the chunk's cells copied once into the array that becomes the item's content, as Tessera
// does), then per row one `rows` entry `{ s, i, p, b }` holding a new incarnation string (the
// item's Yjs id in base 128 after the client's prefix) and a new position string (the keys
// Tessera's append gives: fractional-indexing's integer keys). It writes what Tessera writes,
// but the formatVersion and the one shape, which are one item each per table. Its Yjs items are
// made as Tessera makes them (Yjs's exported Item and ContentAny): the floor is not Yjs's API.
const floorChunkRows = 100
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const twoDigits = Array.from(
  { length: 62 * 62 },
  (_, value) => base62[Math.floor(value / 62)]! + base62[value % 62]!,
)
/** Prefixes of the integer keys whose last two digits `twoDigits` gives: 'c0'…'cz', 'd00'…'dzz'. */
const cPrefixes = Array.from(base62, (digit) => 'c' + digit)
const dPrefixes = twoDigits.map((digits) => 'd' + digits)

/** Row `row`'s position: fractional-indexing's integer key number `row` ('a0', 'a1', …). */
function floorPosition(row: number): string {
  if (row < 62) return 'a' + base62[row]!
  const b = row - 62
  if (b < 3844) return 'b' + twoDigits[b]!
  const c = b - 3844
  if (c < 238_328) return cPrefixes[Math.floor(c / 3844)]! + twoDigits[c % 3844]!
  const d = c - 238_328
  return dPrefixes[Math.floor(d / 3844)]! + twoDigits[d % 3844]!
}

/** The incarnation maker of `client`: its prefix (5 base-128 characters), then the clock's. */
function floorIncarnations(client: number): (clock: number) => string {
  const [a, b, c, d, e] = [28, 21, 14, 7, 0].map((shift) => Math.floor(client / 2 ** shift) % 128)
  return (clock) =>
    clock < 16_384
      ? String.fromCharCode(a!, b!, c!, d!, e!, clock >> 7, clock & 127)
      : clock < 2_097_152
        ? String.fromCharCode(a!, b!, c!, d!, e!, clock >> 14, (clock >> 7) & 127, clock & 127)
        : String.fromCharCode(a!, b!, c!, d!, e!, clock >> 21, (clock >> 14) & 127) +
          String.fromCharCode((clock >> 7) & 127, clock & 127)
}

/** A new item of this replica at `clock` holding `values` right of `left` (plain Yjs). */
function floorItem(
  transaction: Y.Transaction,
  parent: Y.Map<unknown> | Y.Array<unknown>,
  key: string | null,
  left: Y.Item | null,
  clock: number,
  values: unknown[],
): Y.Item {
  const content: unknown = new Y.ContentAny(values)
  const item = new Y.Item(
    Y.createID(transaction.doc.clientID, clock),
    left,
    left === null ? null : left.lastId,
    null,
    null,
    parent,
    key,
    content as ConstructorParameters<typeof Y.Item>[7],
  )
  item.integrate(transaction, 0)
  return item
}

export const floor: Layout = {
  key: 'floor',
  name: "raw Yjs, data format 3's rows only (insert floor)",
  isPeer: false,
  isInsertOnly: true,
  open(doc) {
    doc.getMap('rows')
    doc.getArray('v')
  },
  insert: (doc, ids, input) => {
    doc.transact((transaction) => {
      const rows = doc.getMap('rows')
      const values = doc.getArray('v')
      const client = doc.clientID
      const incarnationAt = floorIncarnations(client)
      const width = columnIds.length
      let left = values._start
      while (left !== null && left.right !== null) left = left.right
      for (let from = 0; from < ids.length; from += floorChunkRows) {
        const to = Math.min(from + floorChunkRows, ids.length)
        const chunk = new Array<unknown>((to - from) * width)
        let at = 0
        for (let row = from; row < to; row++) {
          const cells = input[row]!
          for (let column = 0; column < width; column++) chunk[at++] = cells[columnIds[column]!]
        }
        const first = Y.getState(doc.store, client)
        // One item whose content is the chunk itself, as Tessera appends it (Y.Array#push
        // would copy the values once more).
        left = floorItem(transaction, values, null, left, first, chunk)
        for (let row = from; row < to; row++) {
          // Each row's key set as Y.Map#set sets it, without its per-call wrapper (as Tessera).
          const id = ids[row]!
          const clock = Y.getState(doc.store, client)
          const back = clock - (first + (row - from) * width)
          const value = { s: 0, i: incarnationAt(clock), p: floorPosition(row), b: back }
          const last = (rows as unknown as { _map: Map<string, Y.Item> })._map.get(id) ?? null
          floorItem(transaction, rows, id, last, clock, [value])
        }
      }
    })
  },
  setCell: () => {
    throw new Error('the insert floor measures inserts only')
  },
  getCell: () => undefined,
  deleteRows: () => {
    throw new Error('the insert floor measures inserts only')
  },
  size: (doc) => doc.getMap('rows').size,
  watch(doc) {
    let seen = new Set<string>()
    doc.getMap('rows').observe((event) => {
      seen = new Set(event.keysChanged)
    })
    return () => seen
  },
}

// The Tessera layout, through the public API (validation, change events and order included).
const tables = new WeakMap<Y.Doc, Table>()
/** The Tessera table over `doc`, created on first use with the workload's columns. */
export const tableOf = (doc: Y.Doc): Table => {
  let table = tables.get(doc)
  if (table === undefined) {
    table = createTable({
      doc,
      columns: columnIds.map((name, at) => ({ name, type: columnTypes[at]! })),
    })
    tables.set(doc, table)
  }
  return table
}

export const tessera: Layout = {
  key: 'tessera',
  name: '**Tessera**',
  isPeer: false,
  open(doc) {
    tableOf(doc)
  },
  insert: (doc, _ids, rows) => {
    tableOf(doc).insertRows(rows as never)
  },
  setCell: (doc, id, column, value) => {
    tableOf(doc).setCell(id, column, value as never)
  },
  getCell: (doc, id, column) => tableOf(doc).getCell(id, column),
  deleteRows: (doc, ids) => {
    tableOf(doc).deleteRows(ids)
  },
  size: (doc) => tableOf(doc).size,
  watch(doc) {
    let seen = new Set<string>()
    tableOf(doc).on('change', (change) => {
      seen = new Set([
        ...change.added,
        ...change.deleted,
        ...change.updated.keys(),
        ...change.moved,
      ])
    })
    return () => seen
  },
}

/**
 * Every layout, Tessera first, then the peers, then the historic alternatives, then the
 * insert floor.
 */
export const layouts: Layout[] = [tessera, jsonRows, nested, flat, byColumn, floor]

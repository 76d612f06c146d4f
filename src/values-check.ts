// The server's check of data format 3 row values (docs/semantics.md S286, S288): where a row's
// first values may be, judged by the structs that hold them in the doc (whatever the update's
// phrasing), and the cells of an inserted row checked against their columns. Pure Yjs; called
// by row-check.ts; values-array-check.ts judges what an update did to `v` itself.
import * as Y from 'yjs'
import type { ColumnId, RowId } from './ids.js'
import type { CheckContext } from './check-types.js'
import { fitsType, type ColumnType } from './schema.js'
import type { DecodedRow } from './stored-row.js'
import { deleteValues } from './values-array.js'
import { isSamePlace, valuesPlaceOf, type ValuesPlace } from './values-row.js'

type StructKind = 'values' | 'rows' | 'other'

/** Neighbouring structs of one client of one kind: clocks `from` to `to - 1`. */
interface StructRun {
  readonly kind: StructKind
  readonly from: number
  to: number
}

/** A range of first values an accepted new row of the update claimed. */
interface Claim {
  readonly id: RowId
  readonly place: ValuesPlace
  /** The row value that claimed it (as stored: the same object while the row holds it). */
  readonly value: unknown
}

/**
 * A chunk of earlier updates: values, then the rows that name them (values-array.ts). Rows that
 * read its values have their first item among its rows, so the rows are all one must look at.
 */
export interface Chunk {
  readonly client: number
  /** The clock it was found from: its values from there on are known. */
  readonly from: number
  /** The first clock after its values (where its rows start). */
  readonly valuesTo: number
  readonly rowsTo: number
  /** The keys of its row items. */
  readonly keys: ReadonlySet<string>
}

/** What the checks of one update learn about first values as they go. */
interface Ledger {
  /** Each client's structs created by the update, in runs of one kind. */
  readonly runs: Map<number, StructRun[]>
  /** The ranges claimed by the update's new rows, per client, in clock order. */
  readonly claims: Map<number, Claim[]>
  /** The ranges named by rows of earlier chunks (for revivals), by chunk. */
  readonly named: Map<string, Map<string, readonly [number, number]>>
}

const ledgers = new WeakMap<Y.Transaction, Ledger>()

function ledgerOf(transaction: Y.Transaction): Ledger {
  let ledger = ledgers.get(transaction)
  if (ledger === undefined) {
    ledger = { runs: new Map(), claims: new Map(), named: new Map() }
    ledgers.set(transaction, ledger)
  }
  return ledger
}

/** What a struct of the doc holds, for the layout of chunks: a value, a row value, or other. */
function kindOf(context: CheckContext, struct: Y.Item | Y.GC | Y.Skip): StructKind {
  if (!(struct instanceof Y.Item)) return 'other'
  if (struct.parent === (context.values as unknown)) {
    return struct.parentSub === null ? 'values' : 'other'
  }
  return struct.parent === (context.maps.rows as unknown) ? 'rows' : 'other'
}

/** The structs `client` created in this update, in runs of one kind (computed once). */
function runsOf(context: CheckContext, client: number): StructRun[] {
  const { transaction } = context
  const ledger = ledgerOf(transaction)
  let runs = ledger.runs.get(client)
  if (runs !== undefined) return runs
  runs = []
  const { store } = transaction.doc
  const before = transaction.beforeState.get(client) ?? 0
  const structs = store.clients.get(client)
  if (structs !== undefined && Y.getState(store, client) > before) {
    for (let index = Y.findIndexSS(structs, before); index < structs.length; index++) {
      const struct = structs[index]!
      const kind = kindOf(context, struct)
      const last = runs.at(-1)
      if (last?.kind === kind) last.to = struct.id.clock + struct.length
      else runs.push({ kind, from: struct.id.clock, to: struct.id.clock + struct.length })
    }
  }
  ledger.runs.set(client, runs)
  return runs
}

/** The index of the run holding `clock` (runs cover neighbouring clocks). */
function runAt(runs: readonly StructRun[], clock: number): number {
  let low = 0
  let high = runs.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const run = runs[middle]!
    if (clock < run.from) high = middle - 1
    else if (clock >= run.to) low = middle + 1
    else return middle
  }
  return -1
}

const notOwnValues =
  'its first values are not values its own update appended just before its rows (a chunk of values, then its rows, each row its own range of its shape length)'

/** S286: why a new life's first values are not its own; undefined when they are. */
function newLifeFault(context: CheckContext, id: RowId, place: ValuesPlace): string | undefined {
  const { transaction } = context
  const { client, clock, incClock } = place
  if (clock < (transaction.beforeState.get(client) ?? 0)) return notOwnValues
  const runs = runsOf(context, client)
  const at = runAt(runs, clock)
  const [run, rows] = [runs[at], runs[at + 1]]
  const end = clock + place.shapeOf.ids.length
  if (run?.kind !== 'values' || end > run.to || rows?.kind !== 'rows') return notOwnValues
  if (incClock < rows.from || incClock >= rows.to) return notOwnValues
  // Each row its own range: the update's claims, kept in clock order (a writer's are in order).
  const { claims } = ledgerOf(transaction)
  let own = claims.get(client)
  if (own === undefined) claims.set(client, (own = []))
  let index = own.length
  while (index > 0 && own[index - 1]!.place.clock >= clock) index--
  const previous = own[index - 1]
  const next = own[index]
  if (previous !== undefined && previous.place.clock + previous.place.shapeOf.ids.length > clock)
    return 'its first values are another row’s'
  if (next !== undefined && next.place.clock < end) return 'its first values are another row’s'
  own.splice(index, 0, { id, place, value: context.maps.rows.get(id) })
  return undefined
}

/**
 * The chunk whose values hold `clock` of `client`: its values run from there, then its rows;
 * undefined when the struct there is not a value.
 */
export function chunkAt(context: CheckContext, client: number, clock: number): Chunk | undefined {
  const { store } = context.transaction.doc
  const structs = store.clients.get(client)
  if (structs === undefined || Y.getState(store, client) <= clock) return undefined
  let index = Y.findIndexSS(structs, clock)
  let phase: StructKind = 'values'
  let valuesTo = clock
  const keys = new Set<string>()
  for (; index < structs.length; index++) {
    const struct = structs[index]!
    const kind = kindOf(context, struct)
    if (kind === 'other' || (kind === 'values' && phase === 'rows')) break
    phase = kind
    if (kind === 'values') valuesTo = struct.id.clock + struct.length
    else keys.add((struct as Y.Item).parentSub!)
  }
  if (valuesTo === clock) return undefined
  const last = structs[index - 1]!
  return { client, from: clock, valuesTo, rowsTo: last.id.clock + last.length, keys }
}

/**
 * The ranges of first values the rows of `chunk` name now, by row id (rows whose current life
 * began in the chunk).
 */
export function rangesOf(context: CheckContext, chunk: Chunk): Map<string, [number, number]> {
  const { maps, shapes } = context
  const ranges = new Map<string, [number, number]>()
  for (const key of chunk.keys) {
    const place = valuesPlaceOf(maps.rows.get(key), shapes)
    if (place === undefined || place.client !== chunk.client) continue
    if (place.incClock < chunk.valuesTo || place.incClock >= chunk.rowsTo) continue
    ranges.set(key, [place.clock, place.clock + place.shapeOf.ids.length])
  }
  return ranges
}

/**
 * S286: why the values a revived life names (Yjs undo of a delete brings back an earlier value
 * of the row) are not its own; undefined when they may be: values of the chunk its first item
 * is in, that no other row of that chunk names now.
 */
function revivalFault(context: CheckContext, id: RowId, place: ValuesPlace): string | undefined {
  const chunk = chunkAt(context, place.client, place.clock)
  const end = place.clock + place.shapeOf.ids.length
  if (chunk === undefined || end > chunk.valuesTo) return notOwnValues
  if (place.incClock < chunk.valuesTo || place.incClock >= chunk.rowsTo) return notOwnValues
  const { named } = ledgerOf(context.transaction)
  const key = `${chunk.client}:${chunk.valuesTo}`
  let ranges = named.get(key)
  if (ranges === undefined) named.set(key, (ranges = rangesOf(context, chunk)))
  for (const [other, [from, to]] of ranges) {
    if (other !== id && from < end && place.clock < to) return 'its first values are another row’s'
  }
  ranges.set(id, [place.clock, end])
  return undefined
}

/**
 * S286: why a format 3 row value the update left is malformed; undefined when it is not. In its
 * own life it names the values it named; a new life names values its own update appended; a
 * revived life those of its first chunk that no other row names.
 */
export function valuesFault(
  context: CheckContext,
  id: RowId,
  before: DecodedRow | undefined,
  place: ValuesPlace,
): string | undefined {
  if (before?.inc === place.inc) {
    return before.values !== undefined && isSamePlace(before.values, place)
      ? undefined
      : 'a format 3 row names the first values of its life, which never change'
  }
  const before3 = context.transaction.beforeState.get(place.client) ?? 0
  return place.incClock >= before3
    ? newLifeFault(context, id, place)
    : revivalFault(context, id, place)
}

/**
 * S288: deletes from `v` the first values (`cells`, as read) of an inserted row at `place` that
 * do not fit their column (or whose column is removed or unknown): the cell reads its default.
 * Returns the cells dropped.
 */
export function dropUnfitValues(
  context: CheckContext,
  place: ValuesPlace,
  cells: ReadonlyMap<ColumnId, unknown>,
  types: ReadonlyMap<string, ColumnType | 'removed'>,
): [ColumnId, unknown][] {
  const dropped: [ColumnId, unknown][] = []
  const clocks: number[] = []
  for (const [columnId, value] of cells) {
    const type = types.get(columnId)
    if (type !== undefined && type !== 'removed' && fitsType(type, value)) continue
    dropped.push([columnId, value])
    clocks.push(place.clock + place.shapeOf.slots.get(columnId)!)
  }
  if (clocks.length > 0) deleteValues(context.transaction, context.values, place.client, clocks)
  return dropped
}

/** The ranges the update's accepted new rows name (claims whose row still holds them), per client. */
export function claimedRanges(context: CheckContext): Map<number, [number, number][]> {
  const { maps, shapes, transaction } = context
  const claimed = new Map<number, [number, number][]>()
  for (const [client, claims] of ledgerOf(transaction).claims) {
    const ranges: [number, number][] = []
    for (const { id, place, value } of claims) {
      const stored: unknown = maps.rows.get(id)
      const now = stored === value ? place : valuesPlaceOf(stored, shapes)
      if (now !== undefined && isSamePlace(now, place))
        ranges.push([place.clock, place.clock + place.shapeOf.ids.length])
    }
    claimed.set(client, ranges)
  }
  return claimed
}

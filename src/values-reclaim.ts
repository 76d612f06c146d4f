// Reclaiming data format 3's dead first values (docs/semantics.md S291–S293): a value of the
// values array `v` that no live row reads (its cell has an override of the row's current life,
// its life is dead, or no row names it) is deleted, in runs (values-array.ts), and Yjs drops its
// content. The work is cut into bounded pieces, one per call: a cycle first indexes what the
// live rows read, then sweeps `v`; what changes in between is noted, so a value that a row may
// read again is never deleted. Pure Yjs; the server runs a piece after each compaction.
import * as Y from 'yjs'
import {
  addRun,
  createClockRuns,
  inside,
  normalize,
  outside,
  type ClockRuns,
} from './clock-runs.js'
import { looseKey, maxPackedSlot, packedKey, parseOverrideKey, tableMaps } from './layout.js'
import type { TableMaps } from './layout.js'
import { changedKeys } from './row-changes.js'
import { createRowShapes, type RowShapes, type Shape } from './row-shapes.js'
import { rowIdOfIncarnation } from './stored-row.js'
import { valuesOf, valuesRowOf, type ValuesRowParts } from './values-array.js'
import { deleteInPlace } from './values-splits.js'

/** Work units of one piece by default (S292; docs/benchmarks.md has what a piece takes). */
export const defaultPieceUnits = 30_000
/** A piece also stops once it has run this long (the machine may be slower or busier). */
export const defaultPieceMs = 20
/** What one deleted run costs, in work units (a Yjs split inserts into a struct list). */
const runUnits = 16

/** The values of one client as a cycle knows them. */
interface ClientClocks {
  /** Values that live rows name (as indexed). */
  readonly named: ClockRuns
  /** Values that live rows read: no override of their life holds the cell (as indexed). */
  readonly read: ClockRuns
  /** Values some row may read since it was indexed: rows and overrides changed meanwhile. */
  readonly noted: ClockRuns
}

/** One reclaim cycle: the state it started from and what it learned since. */
interface Cycle {
  /** Each client's clock when the cycle began: later values are left to the next cycle. */
  readonly before: Map<number, number>
  readonly clients: Map<number, ClientClocks>
  /** Clients a live row of an unknown shape names: none of their values goes this cycle. */
  readonly held: Set<number>
  /** The live rows still to index; undefined once all were. */
  rows: Iterator<[string, unknown]> | undefined
  /** Where the sweep of `v` goes on: the id of the next item; undefined before it started. */
  cursor: Y.ID | undefined
}

/** The reclaim of one table's dead first values, piece by piece. */
export interface ValuesReclaim {
  /**
   * Runs one piece (at most about `pieceUnits` of work, and about `pieceMs`): indexing live
   * rows, or sweeping `v` and deleting what no row reads in one transaction of `origin`.
   * Returns how many values it deleted. Call it where the document is complete (the server).
   */
  step(origin: unknown): number
  /** True between the first piece of a cycle and its last. */
  readonly isRunning: boolean
  destroy(): void
}

/** A plain override value (readers ignore a Yjs type, S19). */
const isPlain = (value: unknown): boolean =>
  value !== undefined && !(value instanceof Y.AbstractType)

/** The override key of slot `slot` of a format 3 life, as readers look it up (stored-row.ts). */
const overrideKey = (inc: string, shape: Shape, slot: number): string =>
  slot < maxPackedSlot ? packedKey(inc, slot + 1) : looseKey(inc, shape.ids[slot]!)

function clocksOf(cycle: Cycle, client: number): ClientClocks {
  let clocks = cycle.clients.get(client)
  if (clocks === undefined) {
    clocks = { named: createClockRuns(), read: createClockRuns(), noted: createClockRuns() }
    cycle.clients.set(client, clocks)
  }
  return clocks
}

/** The parts and shape of a format 3 row value whose values the cycle sweeps. */
function sweptRow(
  cycle: Cycle,
  shapes: RowShapes,
  value: unknown,
): { parts: ValuesRowParts; shape: Shape } | undefined {
  const parts = valuesRowOf(value)
  // Values written after the cycle began are not swept by it: rows naming them need no index.
  if (parts === undefined || parts.clock >= (cycle.before.get(parts.client) ?? 0)) return
  const shape = shapes.of(parts.shape, parts.inc)
  if (shape === undefined) cycle.held.add(parts.client)
  else return { parts, shape }
}

/** Indexes one live row: the values it names and those it reads. Returns its work units. */
function indexRow(cycle: Cycle, maps: TableMaps, shapes: RowShapes, value: unknown): number {
  const row = sweptRow(cycle, shapes, value)
  if (row === undefined) return 1
  const { parts, shape } = row
  const count = shape.ids.length
  const clocks = clocksOf(cycle, parts.client)
  addRun(clocks.named, parts.clock, parts.clock + count)
  let readFrom = parts.clock
  for (let slot = 0; slot < count; slot++) {
    if (!isPlain(maps.overrides.get(overrideKey(parts.inc, shape, slot)))) continue
    addRun(clocks.read, readFrom, parts.clock + slot)
    readFrom = parts.clock + slot + 1
  }
  addRun(clocks.read, readFrom, parts.clock + count)
  return 1 + count
}

/**
 * Notes what `transaction` may have made readable again: every value of a row (re)written
 * (a life brought back by undo, a row whose insert was pending), and the value under each
 * override that no longer holds a plain value.
 */
function noteChanges(cycle: Cycle, maps: TableMaps, transaction: Y.Transaction): void {
  const shapes = createRowShapes(maps)
  for (const key of changedKeys(transaction, maps.rows)) {
    const row = key === null ? undefined : sweptRow(cycle, shapes, maps.rows.get(key))
    if (row === undefined) continue
    const { client, clock } = row.parts
    addRun(clocksOf(cycle, client).noted, clock, clock + row.shape.ids.length)
  }
  for (const key of changedKeys(transaction, maps.overrides)) {
    if (key === null || isPlain(maps.overrides.get(key))) continue
    const target = parseOverrideKey(key)
    if (target === undefined) continue
    const id = rowIdOfIncarnation(maps, target.incarnation)
    const row = id === undefined ? undefined : sweptRow(cycle, shapes, maps.rows.get(id))
    if (row === undefined || row.parts.inc !== target.incarnation) continue
    const slot = 'slot' in target ? target.slot - 1 : row.shape.slots.get(target.columnId)
    if (slot === undefined || slot < 0 || slot >= row.shape.ids.length) continue
    addRun(
      clocksOf(cycle, row.parts.client).noted,
      row.parts.clock + slot,
      row.parts.clock + slot + 1,
    )
  }
}

/**
 * The values of `item` (a live item of `v`) that no row reads, by clock: not read by an indexed
 * row, not noted since, and, while Yjs holds updates pending (a row may be among them), named by
 * an indexed row (so shadowed by an override of its life).
 */
function deadClocks(
  cycle: Cycle,
  item: Y.Item,
  isPending: boolean,
): { clocks: number[]; runs: number } {
  const { client, clock } = item.id
  if (cycle.held.has(client)) return { clocks: [], runs: 0 }
  const end = Math.min(clock + item.length, cycle.before.get(client) ?? 0)
  const known = cycle.clients.get(client)
  let parts = clock < end ? [clock, end] : []
  if (known !== undefined) {
    for (const runs of [known.read, known.noted]) {
      const left: number[] = []
      for (let at = 0; at < parts.length; at += 2)
        left.push(...outside(runs, parts[at]!, parts[at + 1]!))
      parts = left
    }
  }
  if (isPending) {
    const named: number[] = []
    for (let at = 0; known !== undefined && at < parts.length; at += 2)
      named.push(...inside(known.named, parts[at]!, parts[at + 1]!))
    parts = named
  }
  const clocks: number[] = []
  for (let at = 0; at < parts.length; at += 2)
    for (let value = parts[at]!; value < parts[at + 1]!; value++) clocks.push(value)
  return { clocks, runs: parts.length / 2 }
}

/** Creates the reclaim of the values of the table in `doc`. */
export function createValuesReclaim(
  doc: Y.Doc,
  options: { pieceUnits?: number; pieceMs?: number } = {},
): ValuesReclaim {
  const pieceUnits = options.pieceUnits ?? defaultPieceUnits
  const pieceMs = options.pieceMs ?? defaultPieceMs
  const maps = tableMaps(doc)
  const values = valuesOf(doc)
  let cycle: Cycle | undefined
  const onTransaction = (transaction: Y.Transaction): void => {
    if (cycle !== undefined) noteChanges(cycle, maps, transaction)
  }
  const end = (): void => {
    cycle = undefined
    doc.off('afterTransaction', onTransaction)
  }

  const sweep = (current: Cycle, budget: number, until: number, origin: unknown): number => {
    for (const clocks of current.clients.values()) normalize(clocks.noted)
    const isPending = doc.store.pendingStructs !== null
    const dead = new Map<number, { item: Y.Item; clocks: number[] }[]>()
    let units = 0
    let item = current.cursor === undefined ? values._start : Y.getItem(doc.store, current.cursor)
    for (; item !== null && units < budget; item = item.right) {
      if (units > 0 && Date.now() >= until) break
      units += 1
      if (item.deleted || !(item.content instanceof Y.ContentAny)) continue
      const { clocks, runs } = deadClocks(current, item, isPending)
      units += item.length + runs * runUnits
      if (runs === 0) continue
      const list = dead.get(item.id.client)
      if (list === undefined) dead.set(item.id.client, [{ item, clocks }])
      else list.push({ item, clocks })
    }
    current.cursor = item?.id
    if (item === null) end()
    let deleted = 0
    if (dead.size > 0) {
      doc.transact((transaction) => {
        for (const [client, items] of dead)
          deleted += deleteInPlace(transaction, values, client, items)
        // As Yjs's UndoManager does after deleting list items itself.
        if (values._searchMarker !== null) values._searchMarker.length = 0
      }, origin)
    }
    return deleted
  }

  return {
    step(origin) {
      if (cycle === undefined) {
        if (values._start === null) return 0
        cycle = {
          before: Y.decodeStateVector(Y.encodeStateVector(doc)),
          clients: new Map(),
          held: new Set(),
          rows: maps.rows.entries(),
          cursor: undefined,
        }
        doc.on('afterTransaction', onTransaction)
      }
      let units = 0
      const current = cycle
      const started = Date.now()
      if (current.rows !== undefined) {
        const shapes = createRowShapes(maps)
        for (let rows = 1; units < pieceUnits; rows++) {
          if (rows % 64 === 0 && Date.now() - started >= pieceMs) return 0
          const next = current.rows.next()
          if (next.done === true) {
            current.rows = undefined
            for (const clocks of current.clients.values()) {
              normalize(clocks.named)
              normalize(clocks.read)
            }
            break
          }
          units += indexRow(current, maps, shapes, next.value[1])
        }
      }
      // The sweep collects in the first half of what is left: its deletions take the rest.
      const until = started + pieceMs / 2
      return current.rows === undefined && units < pieceUnits && Date.now() < until
        ? sweep(current, pieceUnits - units, until, origin)
        : 0
    },
    get isRunning() {
      return cycle !== undefined
    },
    destroy: end,
  }
}

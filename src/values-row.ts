// A data format 3 row value as the server's checks read it (values-array.ts has the format):
// its parts with its shape, where its first values are, and those values by column. Pure
// reads of one doc; knows nothing about transactions or rights (values-check.ts judges them).
import * as Y from 'yjs'
import type { ColumnId } from './ids.js'
import type { RowShapes, Shape } from './row-shapes.js'
import { readValues, valuesOf, valuesRowOf, type ValuesRowParts } from './values-array.js'

/** A format 3 row value, decoded with its shape: where its first values are and what they are. */
export interface ValuesPlace extends ValuesRowParts {
  readonly shapeOf: Shape
  /** The row value's `b`: how many clocks its first value is behind its incarnation. */
  readonly back: number
  /** The clock of its incarnation (the item that first stored the row's life). */
  readonly incClock: number
}

/** Each doc's values array: looked up once (Yjs makes a closure per lookup). */
const knownValues = new WeakMap<Y.Doc, Y.Array<unknown>>()

/** The values array of `doc`, looked up once per doc. */
export function valuesArrayOf(doc: Y.Doc): Y.Array<unknown> {
  let values = knownValues.get(doc)
  if (values === undefined) knownValues.set(doc, (values = valuesOf(doc)))
  return values
}

/**
 * The place of a format 3 row value whose shape is known; undefined when `value` is not one
 * (no shape of that number under its incarnation's client: not a row, S19).
 */
export function valuesPlaceOf(value: unknown, shapes: RowShapes): ValuesPlace | undefined {
  const parts = valuesRowOf(value)
  if (parts === undefined) return undefined
  const shapeOf = shapes.of(parts.shape, parts.inc)
  if (shapeOf === undefined) return undefined
  const back = (value as { b: number }).b
  // A literal, not a spread: one place per row of every insert.
  return {
    shape: parts.shape,
    inc: parts.inc,
    position: parts.position,
    client: parts.client,
    clock: parts.clock,
    shapeOf,
    back,
    incClock: parts.clock + back,
  }
}

/**
 * The first values of the row at `place`, by column id: a value deleted, missing or not a
 * plain value is absent (the cell was not written, or its value was reclaimed).
 */
export function valuesCells(doc: Y.Doc, place: ValuesPlace): Map<ColumnId, unknown> {
  const cells = new Map<ColumnId, unknown>()
  const { ids } = place.shapeOf
  const { client, clock } = place
  const values = valuesArrayOf(doc)
  // The common case, every value in one live item (a chunk's), read in place.
  const structs = doc.store.clients.get(client)
  const isKnown = structs !== undefined && Y.getState(doc.store, client) > clock
  const struct = isKnown ? structs[Y.findIndexSS(structs, clock)] : undefined
  const end = clock + ids.length
  if (
    struct instanceof Y.Item &&
    !struct.deleted &&
    struct.parent === (values as unknown) &&
    struct.content instanceof Y.ContentAny &&
    struct.id.clock + struct.length >= end
  ) {
    const content = struct.content.getContent()
    const from = clock - struct.id.clock
    for (let slot = 0; slot < ids.length; slot++) {
      const value: unknown = content[from + slot]
      if (value !== undefined) cells.set(ids[slot]!, value)
    }
    return cells
  }
  const read = readValues(values, client, clock, ids.length) ?? []
  ids.forEach((columnId, slot) => {
    const value = read[slot]
    if (value !== undefined) cells.set(columnId, value)
  })
  return cells
}

/** True when two places name the same values: the same shape number and distance (one life). */
export const isSamePlace = (a: ValuesPlace, b: ValuesPlace): boolean =>
  a.inc === b.inc && a.shape === b.shape && a.back === b.back

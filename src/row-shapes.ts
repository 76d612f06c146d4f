// The shapes of data format 2's row values (docs/architecture.md, "Layout"): a row value holds
// its cells in the order of a shape (a list of column ids) that its writer registered once in
// the `shapes` map, so rows carry no column names. Shapes are keyed by their writer's client
// prefix, so replicas never pick the same key for different shapes, and are never changed.
import type { ColumnId } from './ids.js'
import { clientPrefix, prefixLengthOf } from './incarnation.js'
import { isValidId, type TableMaps } from './layout.js'

/** One shape: the column ids of its rows' cells, in order, and each id's slot. */
export interface Shape {
  readonly ids: readonly ColumnId[]
  readonly slots: ReadonlyMap<ColumnId, number>
}

/** The shapes of one table document. */
export interface RowShapes {
  /** The shape named by a row's shape number and incarnation; undefined when there is none. */
  of(shape: number, incarnation: string): Shape | undefined
  /**
   * The number under which `client` writes rows of exactly `ids` (in this order), registering
   * the shape in the doc when it is new. Call inside a transaction.
   */
  numberFor(client: number, ids: readonly ColumnId[]): number
  /** Forgets what the cache holds for `keys` of the shapes map (a transaction changed them). */
  invalidate(keys: Iterable<string | null>): void
}

/** The `shapes` key of shape `number` of the client with `prefix`. */
export const shapeKey = (prefix: string, number: number): string => prefix + String(number)

/** A stored shape, checked (data from storage or other replicas: S19); undefined when it is none. */
export function parseShape(value: unknown): Shape | undefined {
  if (!Array.isArray(value)) return undefined
  const slots = new Map<ColumnId, number>()
  for (const [slot, id] of value.entries()) {
    if (!isValidId(id) || slots.has(id as ColumnId)) return undefined
    slots.set(id as ColumnId, slot)
  }
  return { ids: value as ColumnId[], slots }
}

/**
 * The shapes of the table in `maps`, read through a cache; `stored` reads a shape's stored
 * value (undo reads the shapes as they were before a transaction, undo-values.ts).
 */
export function createRowShapes(
  maps: TableMaps,
  stored: (key: string) => unknown = (key) => maps.shapes.get(key),
): RowShapes {
  const cache = new Map<string, Shape | null>()
  // The last shape read: rows of one insert share it, so a scan looks it up once.
  let last: { shape: number; prefix: string; value: Shape | undefined } | undefined

  const read = (key: string): Shape | undefined => {
    let shape = cache.get(key)
    if (shape === undefined) cache.set(key, (shape = parseShape(stored(key)) ?? null))
    return shape ?? undefined
  }

  return {
    of(shape, incarnation) {
      if (last !== undefined && last.shape === shape && incarnation.startsWith(last.prefix))
        return last.value
      const length = prefixLengthOf(incarnation)
      if (length === undefined) return undefined
      const prefix = incarnation.slice(0, length)
      const value = read(shapeKey(prefix, shape))
      last = { shape, prefix, value }
      return value
    },
    numberFor(client, ids) {
      const prefix = clientPrefix(client)
      let next = 0
      for (const [key, value] of maps.shapes.entries()) {
        if (!key.startsWith(prefix) || !/^\d+$/.test(key.slice(prefix.length))) continue
        const number = Number(key.slice(prefix.length))
        next = Math.max(next, number + 1)
        const shape = parseShape(value)
        if (
          shape !== undefined &&
          shape.ids.length === ids.length &&
          shape.ids.every((id, at) => id === ids[at])
        )
          return number
      }
      const key = shapeKey(prefix, next)
      maps.shapes.set(key, [...ids])
      cache.delete(key)
      last = undefined
      return next
    },
    invalidate(keys) {
      for (const key of keys) if (key !== null) cache.delete(key)
      last = undefined
    },
  }
}

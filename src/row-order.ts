// Manual row order: fractional-index positions (fractional-indexing) compared as plain strings.
// Ties (two replicas picking one position concurrently) are broken by row id.
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing'

/** A fractional-index position: rows sort by (position, id). */
export type Position = string

/** A position strictly between `before` and `after` (null: open end). They must differ. */
export function positionBetween(before: Position | null, after: Position | null): Position {
  return generateKeyBetween(before, after)
}

/** `count` increasing positions strictly between `before` and `after`. */
export function positionsBetween(
  before: Position | null,
  after: Position | null,
  count: number,
): Position[] {
  try {
    return generateNKeysBetween(before, after, count)
  } catch {
    // A malformed neighbour (written by a foreign client, see S19) leaves no key to compute
    // against it: place the rows past it, or at the start of an empty key space.
    try {
      return generateNKeysBetween(before, null, count)
    } catch {
      return generateNKeysBetween(null, null, count)
    }
  }
}

/** Orders positions by code unit, which is the order fractional-indexing's keys are built for. */
export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** True when `value` is a position this module could have made. */
export function isPosition(value: unknown): value is Position {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) return false
  try {
    generateKeyBetween(value, null)
    return true
  } catch {
    return false
  }
}

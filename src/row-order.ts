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

const digitChars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
// The last two base-62 digits of a key, for every value they can take: most keys of a bulk
// append differ only there, so each is the key's prefix plus one of these.
const lastTwo = Array.from(
  { length: 62 * 62 },
  (_, value) => digitChars[Math.floor(value / 62)]! + digitChars[value % 62]!,
)

/**
 * `count` increasing positions after `before` (null: in an empty key space): the keys
 * `positionsBetween(before, null, count)` gives, made without its per-key work (a bulk append
 * of 100,000 rows spent most of its time there).
 */
export function positionsAfter(before: Position | null, count: number): Position[] {
  if (count === 0) return []
  const first = positionsBetween(before, null, 1)[0]!
  let head = first.charCodeAt(0)
  // Integer keys of the positive range: head 'a' has one digit, each later head one more.
  // Others (a malformed or negative neighbour, S19) go through the library.
  if (head < 0x61 || head > 0x7a || first.length !== head - 0x61 + 2)
    return positionsBetween(before, null, count)
  const positions = new Array<Position>(count)
  positions[0] = first
  let digits = Array.from(first.slice(1), (char) => digitChars.indexOf(char))
  let prefix = first.slice(0, -2)
  for (let index = 1; index < count; index++) {
    let at = digits.length - 1
    while (at >= 0 && digits[at] === 61) digits[at--] = 0
    if (at >= 0) digits[at]!++
    else if (head === 0x7a) {
      // Past the largest integer key: the library goes on with fractions.
      const rest = positionsBetween(positions[index - 1]!, null, count - index)
      return positions.slice(0, index).concat(rest)
    } else {
      // The head's integers are used up: the next head starts at 0 with one digit more.
      head++
      digits = new Array<number>(digits.length + 1).fill(0)
    }
    if (at < digits.length - 2) {
      prefix = String.fromCharCode(head)
      for (const digit of digits.slice(0, -2)) prefix += digitChars[digit]!
    }
    const last = digits.length - 1
    positions[index] =
      last === 0
        ? String.fromCharCode(head) + digitChars[digits[0]!]!
        : prefix + lastTwo[digits[last - 1]! * 62 + digits[last]!]!
  }
  return positions
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

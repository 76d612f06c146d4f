// Sort codes: one string per matching row whose code-unit order (JavaScript `<`) is the query's
// order — sort values, then manual position, then row id. A live query keeps its ordered index
// over these flat strings, so each comparison reads one string instead of an entry, its key
// array and the values it points to; at a million rows those reads are cache misses.
import type { RowId } from '../ids.js'
import { stringPrefix, type KeyPrefix } from '../ordered-index.js'
import type { SortKey } from './query.js'
import type { SortValue } from './query-match.js'
import type { Position } from '../row-order.js'

// Per sort key, one marker unit puts nulls first or last whatever the direction.
const nullFirst = '\u0000'
const present = '\u0001'
const nullLast = '\u0002'
// A string value ends with this pair; a NUL unit inside it is written as NUL + U+FFFF, so no
// value's code is a prefix of another's and shorter strings sort first.
const terminator = '\u0000\u0001'
const escapedNul = '\u0000\uffff'

const float = new Float64Array(1)
const words = new Uint32Array(float.buffer)
// Which of the two 32-bit words holds the sign and exponent on this machine.
const high = new Uint8Array(new Float64Array([-0]).buffer)[7] === 0x80 ? 1 : 0

/**
 * The sort code of a row: compare two codes with `<` to compare the rows under `orderBy`,
 * with ties broken by manual position and then id, exactly as a query from scratch orders them.
 * @example
 * sortCode([{ column: 'n', type: 'number', direction: 'asc', nulls: 'last' }], [2], 'a0', 'r1') <
 *   sortCode([{ column: 'n', type: 'number', direction: 'asc', nulls: 'last' }], [10], 'a0', 'r0') // true
 */
export function sortCode(
  orderBy: readonly SortKey[],
  values: readonly SortValue[],
  position: Position,
  id: RowId,
): string {
  const parts: string[] = []
  for (let i = 0; i < orderBy.length; i++) {
    const key = orderBy[i]!
    const value = values[i]!
    if (value === null) {
      parts.push(key.nulls === 'first' ? nullFirst : nullLast)
      continue
    }
    const descending = key.direction === 'desc'
    parts.push(
      present,
      typeof value === 'number'
        ? numberCode(value, descending)
        : typeof value === 'boolean'
          ? value !== descending
            ? '\u0001'
            : '\u0000'
          : descending
            ? complement(stringCode(value))
            : stringCode(value),
    )
  }
  // Ids never contain NUL (layout.isValidId) and are at most 256 units long, so the id and its
  // length close the code unescaped, and the id can be read back from the end.
  parts.push(stringCode(position), id, '\u0000', String.fromCharCode(id.length))
  return parts.join('')
}

/** The row id a sort code ends with. */
export function idOfSortCode(code: string): RowId {
  const length = code.charCodeAt(code.length - 1)
  return code.slice(code.length - 2 - length, code.length - 2) as RowId
}

/** Four units in the numbers' order, or the reverse (-0 is 0; NaN never gets here: it is null). */
function numberCode(value: number, descending: boolean): string {
  float[0] = value === 0 ? 0 : value
  let upper = words[high]!
  let lower = words[1 - high]!
  // IEEE 754 bits sort like the numbers once negatives are inverted and positives get the sign bit.
  if (upper >>> 31 === 1) {
    upper = ~upper >>> 0
    lower = ~lower >>> 0
  } else upper = (upper | 0x80000000) >>> 0
  if (descending) {
    upper = ~upper >>> 0
    lower = ~lower >>> 0
  }
  return String.fromCharCode(upper >>> 16, upper & 0xffff, lower >>> 16, lower & 0xffff)
}

function stringCode(value: string): string {
  return (value.includes('\u0000') ? value.replaceAll('\u0000', escapedNul) : value) + terminator
}

/** The code with every unit inverted: the same codes in reverse order (codes are prefix-free). */
function complement(code: string): string {
  const units = new Array<number>(code.length)
  for (let i = 0; i < code.length; i++) units[i] = 0xffff - code.charCodeAt(i)
  let result = ''
  // fromCharCode takes its units as arguments: a long text goes in slices.
  for (let start = 0; start < units.length; start += 4096)
    result += String.fromCharCode(...units.slice(start, start + 4096))
  return result
}

/** The ordered index prefix of sort codes. */
export const sortCodePrefix: KeyPrefix<string> = stringPrefix((code) => code)

// Checks a Yjs (v1) update's structure against a budget before Yjs decodes it: every count is
// bounded by the bytes left, values by nesting depth, the whole by a number of structs.
// Linear in the update's size; never builds the structs. Knows nothing about rooms or sockets.
import { TesseraError } from '../src/index.js'

/** Limits one update must fit (docs/operations.md, "Limits"). */
export interface UpdateBudget {
  /** Most structs, delete ranges and decoded values in one update. */
  maxUpdateStructs: number
  /** Deepest nesting of a value (arrays and objects inside cells, JSON content). */
  maxValueDepth: number
}

/** Where one client's structs in an update start and end (clocks), and what they skip. */
export interface ClientRange {
  from: number
  to: number
  /** The end of the last range the update skips (0 when none): the receiver must hold it. */
  skipsTo: number
}

/** What a checked update holds, and what it depends on. */
export interface UpdateShape {
  structs: number
  deleteRanges: number
  /** Per client, the clocks of its structs in the update. */
  clients: Map<number, ClientRange>
  /** Per client, one past the greatest clock the update refers to (origins, parents, deletions). */
  refers: Map<number, number>
}

const utf8 = new TextDecoder()

/** A bounds-checked reader of an update's bytes, counting what it reads against a budget. */
export class Reader {
  pos = 0
  units = 0
  readonly refers = new Map<number, number>()
  constructor(
    readonly bytes: Uint8Array,
    readonly budget: UpdateBudget,
  ) {}

  fail(what: string): never {
    throw new TesseraError(
      'PROTOCOL_ERROR',
      `malformed Yjs update: ${what} at byte ${this.pos} of ${this.bytes.byteLength}; send updates made by Yjs (v1 encoding)`,
    )
  }
  byte(): number {
    if (this.pos >= this.bytes.byteLength) this.fail('unexpected end')
    return this.bytes[this.pos++]!
  }
  varUint(): number {
    let value = 0
    let factor = 1
    for (;;) {
      const byte = this.byte()
      value += (byte & 0x7f) * factor
      if (byte < 0x80) return value
      factor *= 128
      if (value > Number.MAX_SAFE_INTEGER || factor > 2 ** 56) this.fail('integer out of range')
    }
  }
  /** Reads an id the update refers to, and records it. */
  id(): void {
    this.refer(this.varUint(), this.varUint() + 1)
  }
  refer(client: number, end: number): void {
    if (end > (this.refers.get(client) ?? 0)) this.refers.set(client, end)
  }
  skip(length: number): void {
    if (length > this.bytes.byteLength - this.pos) this.fail(`length ${length} past the end`)
    this.pos += length
  }
  /** A count of items that each take at least one byte: it cannot exceed the bytes left. */
  count(): number {
    const count = this.varUint()
    if (count > this.bytes.byteLength - this.pos) this.fail(`count ${count} exceeds the bytes left`)
    this.units += count
    if (this.units > this.budget.maxUpdateStructs) {
      throw new TesseraError(
        'MESSAGE_TOO_LARGE',
        `the update holds more than ${this.budget.maxUpdateStructs} structs and values (option maxUpdateStructs); send smaller updates`,
      )
    }
    return count
  }
  string(): string {
    const length = this.varUint()
    const start = this.pos
    this.skip(length)
    return utf8.decode(this.bytes.subarray(start, start + length))
  }
  tooDeep(): never {
    throw new TesseraError(
      'PROTOCOL_ERROR',
      `a value nests deeper than ${this.budget.maxValueDepth} levels (option maxValueDepth); flatten it`,
    )
  }
}

/** lib0's `writeAny` encoding: a type byte, then the value. */
const skipAny = (reader: Reader, depth: number): void => {
  if (depth > reader.budget.maxValueDepth) reader.tooDeep()
  const type = reader.byte()
  switch (type) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return
    case 125: // varInt
      reader.varUint()
      return
    case 124: // float32
      reader.skip(4)
      return
    case 123: // float64
    case 122: // bigint64
      reader.skip(8)
      return
    case 119: // string
    case 116: // Uint8Array
      reader.skip(reader.varUint())
      return
    case 118: // object
      for (let index = reader.count(); index > 0; index--) {
        reader.skip(reader.varUint())
        skipAny(reader, depth + 1)
      }
      return
    case 117: // array
      for (let index = reader.count(); index > 0; index--) skipAny(reader, depth + 1)
      return
    default:
      reader.fail(`unknown value type ${type}`)
  }
}

/** JSON content is a string Yjs parses: its bracket depth is checked without parsing it. */
const checkJsonDepth = (reader: Reader, json: string): void => {
  let depth = 0
  let isInString = false
  for (let index = 0; index < json.length; index++) {
    const char = json.charCodeAt(index)
    if (isInString) {
      if (char === 92) index++
      else if (char === 34) isInString = false
    } else if (char === 34) isInString = true
    else if (char === 91 || char === 123) {
      if (++depth > reader.budget.maxValueDepth) reader.tooDeep()
    } else if (char === 93 || char === 125) depth--
  }
}

/** Skips one item's content; returns its length in clocks (as Yjs counts it). */
const skipContent = (reader: Reader, contentRef: number): number => {
  switch (contentRef) {
    case 1: // deleted: a length
      return reader.varUint()
    case 2: {
      // JSON: strings
      const count = reader.count()
      for (let index = count; index > 0; index--) checkJsonDepth(reader, reader.string())
      return count
    }
    case 3: // binary
      reader.skip(reader.varUint())
      return 1
    case 4: // string: its length in UTF-16 code units
      return reader.string().length
    case 5: // embed
      checkJsonDepth(reader, reader.string())
      return 1
    case 6: // format: key, JSON value
      reader.skip(reader.varUint())
      checkJsonDepth(reader, reader.string())
      return 1
    case 7: {
      const typeRef = reader.varUint()
      if (typeRef > 6) reader.fail(`unknown type ${typeRef}`)
      if (typeRef === 3 || typeRef === 5) reader.skip(reader.varUint()) // xml element / hook name
      return 1
    }
    case 8: {
      // any: values
      const count = reader.count()
      for (let index = count; index > 0; index--) skipAny(reader, 1)
      return count
    }
    case 9: // subdocument: guid, options
      reader.skip(reader.varUint())
      skipAny(reader, 1)
      return 1
    default:
      return reader.fail(`unknown content type ${contentRef}`)
  }
}

/** Skips one struct; returns its length, and whether it is a skip (a gap in the update). */
export const skipStruct = (reader: Reader): { length: number; isSkip: boolean } => {
  const info = reader.byte()
  const contentRef = info & 0x1f
  if (contentRef === 0 || contentRef === 10) {
    return { length: reader.varUint(), isSkip: contentRef === 10 } // GC or skip: a length
  }
  const hasOrigin = (info & 0x80) !== 0
  const hasRightOrigin = (info & 0x40) !== 0
  if (hasOrigin) reader.id()
  if (hasRightOrigin) reader.id()
  if (!hasOrigin && !hasRightOrigin) {
    // The parent: a root type's name, or the id of the item holding it.
    if (reader.varUint() === 1) reader.skip(reader.varUint())
    else reader.id()
    if ((info & 0x20) !== 0) reader.skip(reader.varUint())
  }
  return { length: skipContent(reader, contentRef), isSkip: false }
}

/**
 * Walks a v1 update without building it and checks it fits `budget`.
 * @throws PROTOCOL_ERROR when it is truncated, malformed, has trailing bytes or nests too deep
 * @throws MESSAGE_TOO_LARGE when it holds more than `maxUpdateStructs` structs and values
 */
export function checkUpdate(update: Uint8Array, budget: UpdateBudget): UpdateShape {
  const reader = new Reader(update, budget)
  let structs = 0
  const clients = new Map<number, ClientRange>()
  for (let count = reader.count(); count > 0; count--) {
    const structCount = reader.count()
    const client = reader.varUint()
    const from = reader.varUint()
    const range = { from, to: from, skipsTo: clients.get(client)?.skipsTo ?? 0 }
    for (let index = 0; index < structCount; index++) {
      const { length, isSkip } = skipStruct(reader)
      if (isSkip) range.skipsTo = range.to + length
      range.to += length
    }
    if (structCount > 0) clients.set(client, range)
    structs += structCount
  }
  let deleteRanges = 0
  for (let count = reader.count(); count > 0; count--) {
    const client = reader.varUint()
    for (let ranges = reader.count(); ranges > 0; ranges--) {
      reader.refer(client, reader.varUint() + reader.varUint())
      deleteRanges++
    }
  }
  if (reader.pos !== update.byteLength) {
    reader.fail(`${update.byteLength - reader.pos} trailing bytes`)
  }
  return { structs, deleteRanges, clients, refers: reader.refers }
}

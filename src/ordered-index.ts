// A sorted list with positional access (rank and select) in O(log n + B) per operation.
// Used for the manual row order and for live query results; knows nothing about Yjs.
import {
  capacityFor,
  chunkSize,
  createChunk,
  createChunkSearch,
  entriesFrom,
  locate,
  offsetOf,
  rebuild,
  resize,
  type Chunk,
  type Chunks,
} from './ordered-chunks.js'

/** A sorted collection of distinct entries, ordered by the comparator it was made with. */
export interface OrderedIndex<T> {
  readonly size: number
  /** Inserts `entry`; returns its index after insertion. Equal entries (compare = 0) are not allowed. */
  insert(entry: T): number
  /** Removes the entry equal to `entry` (compare = 0); returns its former index, or -1. */
  delete(entry: T): number
  /** The index of the entry equal to `entry`, or -1. */
  indexOf(entry: T): number
  /** The index the entry would have if inserted (the number of entries that sort before it). */
  rank(entry: T): number
  /** The entry at `index`, or undefined when out of range. */
  at(index: number): T | undefined
  /** Entries from `start` (inclusive) to `end` (exclusive), in order. */
  slice(start: number, end: number): T[]
  /** Every entry in order. */
  values(): IterableIterator<T>
}

/**
 * A short numeric prefix of each entry's sort key: `width` numbers whose lexicographic order
 * never contradicts `compare` (a smaller prefix means a smaller entry; equal prefixes say
 * nothing). The index keeps the prefixes in typed arrays and compares them first.
 */
export interface KeyPrefix<T> {
  readonly width: number
  readonly write: (entry: T, out: Float64Array, at: number) => void
}

/**
 * An ordered index prefix for entries keyed by a string compared by code unit: the string's
 * first 12 units as four numbers of three units each (48 bits, exact in a double), missing
 * units as 0. Strings whose prefixes differ compare like the prefixes; equal prefixes leave it
 * to the comparator.
 */
export function stringPrefix<T>(text: (entry: T) => string): KeyPrefix<T> {
  return {
    width: 4,
    write(entry, out, at) {
      const code = text(entry)
      for (let part = 0; part < 4; part++) {
        const first = part * 3
        out[at + part] =
          (unitAt(code, first) * 0x10000 + unitAt(code, first + 1)) * 0x10000 +
          unitAt(code, first + 2)
      }
    },
  }
}

const unitAt = (code: string, index: number): number =>
  index < code.length ? code.charCodeAt(index) : 0

/** How createOrderedIndex treats its initial entries and compares keys. */
export interface OrderedIndexOptions<T> {
  /** The initial entries already are in `compare`'s order. */
  readonly sorted?: boolean
  readonly prefix?: KeyPrefix<T> | undefined
}

/**
 * Makes an ordered index of `initial`. `compare` must be a total order and must not change for
 * an entry while it is in the index: remove it, then insert its new version.
 *
 * With a `prefix`, most comparisons read contiguous typed arrays instead of the entries: at a
 * million entries every entry read is a cache (and TLB) miss, and a search makes twenty of them.
 */
export function createOrderedIndex<T>(
  compare: (a: T, b: T) => number,
  initial: readonly T[] = [],
  options: OrderedIndexOptions<T> = {},
): OrderedIndex<T> {
  const width = options.prefix?.width ?? 0
  const writePrefix = options.prefix?.write ?? (() => undefined)
  const chunks: Chunks<T> = {
    list: [],
    width,
    tree: [0],
    lasts: [],
    lastPrefixes: new Float64Array(0),
  }
  const search = createChunkSearch(chunks, compare, writePrefix)
  let size = 0

  const makeChunk = (entries: T[], prefixes?: Float64Array): Chunk<T> =>
    createChunk(entries, width, writePrefix, prefixes)

  const sorted = options.sorted === true ? initial : [...initial].sort(compare)
  for (let i = 0; i < sorted.length; i += chunkSize)
    chunks.list.push(makeChunk(sorted.slice(i, i + chunkSize)))
  size = sorted.length
  rebuild(chunks)

  /** Where the entry equal to `entry` is stored, or undefined. */
  const find = (entry: T): [number, number] | undefined => {
    if (size === 0) return undefined
    search.setProbe(entry)
    const chunkIndex = search.findChunk(entry)
    const chunk = chunks.list[chunkIndex]!
    const position = search.lowerBound(chunk, entry)
    if (position >= chunk.entries.length) return undefined
    // The very entry that was inserted (the usual case) is recognised without reading it.
    const found = chunk.entries[position]!
    if (found !== entry && compare(found, entry) !== 0) return undefined
    return [chunkIndex, position]
  }

  /** Inserts at a place found by the search (the probe holds the entry's prefix). */
  const insertAt = (chunkIndex: number, position: number, entry: T): number => {
    const chunk = chunks.list[chunkIndex]!
    if ((chunk.entries.length + 1) * width > chunk.prefixes.length) {
      const grown = new Float64Array(capacityFor(chunk.entries.length + 1, width))
      grown.set(chunk.prefixes)
      chunk.prefixes = grown
    }
    const { entries, prefixes } = chunk
    prefixes.copyWithin((position + 1) * width, position * width, entries.length * width)
    for (let i = 0; i < width; i++) prefixes[position * width + i] = search.probe[i]!
    entries.splice(position, 0, entry)
    size++
    const index = offsetOf(chunks, chunkIndex) + position
    if (entries.length >= 2 * chunkSize) {
      const moved = entries.splice(chunkSize)
      const half = makeChunk(moved, prefixes.subarray(chunkSize * width, 2 * chunkSize * width))
      chunks.list.splice(chunkIndex + 1, 0, half)
      rebuild(chunks)
    } else resize(chunks, chunkIndex, 1)
    return index
  }

  return {
    get size() {
      return size
    },
    insert(entry) {
      if (chunks.list.length === 0) {
        chunks.list.push(makeChunk([entry]))
        size = 1
        rebuild(chunks)
        return 0
      }
      search.setProbe(entry)
      const chunkIndex = search.findChunk(entry)
      return insertAt(chunkIndex, search.lowerBound(chunks.list[chunkIndex]!, entry), entry)
    },
    delete(entry) {
      const place = find(entry)
      if (place === undefined) return -1
      const [chunkIndex, position] = place
      const { entries, prefixes } = chunks.list[chunkIndex]!
      const index = offsetOf(chunks, chunkIndex) + position
      prefixes.copyWithin(position * width, (position + 1) * width, entries.length * width)
      entries.splice(position, 1)
      size--
      if (entries.length === 0) {
        chunks.list.splice(chunkIndex, 1)
        rebuild(chunks)
      } else resize(chunks, chunkIndex, -1)
      return index
    },
    indexOf(entry) {
      const place = find(entry)
      return place === undefined ? -1 : offsetOf(chunks, place[0]) + place[1]
    },
    rank(entry) {
      if (size === 0) return 0
      search.setProbe(entry)
      const chunkIndex = search.findChunk(entry)
      return offsetOf(chunks, chunkIndex) + search.lowerBound(chunks.list[chunkIndex]!, entry)
    },
    at(index) {
      if (index < 0 || index >= size) return undefined
      const [chunkIndex, position] = locate(chunks, index)
      return chunks.list[chunkIndex]!.entries[position]
    },
    slice(start, end) {
      const from = Math.max(0, start)
      return from >= size ? [] : entriesFrom(chunks, from, Math.min(end, size) - from)
    },
    *values() {
      for (const chunk of chunks.list) yield* chunk.entries
    },
  }
}

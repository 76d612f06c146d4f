// A sorted list with positional access (rank and select) in O(log n + B) per operation.
// Used for the manual row order and for live query results; knows nothing about Yjs.

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

export interface OrderedIndexOptions<T> {
  /** The initial entries already are in `compare`'s order. */
  readonly sorted?: boolean
  readonly prefix?: KeyPrefix<T> | undefined
}

// Chunks hold fewer than 2 * chunkSize entries. Small chunks keep the memmove of an insert or
// delete (entries and prefixes after it) and the search inside one chunk within a few cache
// lines; the price is a longer chunk list, which only splits and merges rebuild. 128 measured
// best at a million rows among 64, 128, 256 and 512 (docs/benchmarks.md, live queries).
const chunkSize = 128

/** A run of consecutive entries and their key prefixes (`width` numbers each, same order). */
interface Chunk<T> {
  readonly entries: T[]
  prefixes: Float64Array
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
  const chunks: Chunk<T>[] = []
  // A Fenwick tree over the chunk lengths gives prefix counts and index lookups in O(log chunks),
  // so no operation walks the chunk list; it is rebuilt (O(chunks)) only when chunks split or vanish.
  let tree: number[] = [0]
  // Each chunk's last entry and its prefix, side by side: the chunk search reads these.
  let lasts: T[] = []
  let lastPrefixes = new Float64Array(0)
  let size = 0
  // The prefix of the entry being looked for.
  const probe = new Float64Array(width)

  // Room for `count` entries' prefixes, doubling up to a full chunk's (8 KB at width 4).
  const capacityFor = (count: number): number =>
    Math.min(2 * chunkSize, 2 ** Math.ceil(Math.log2(Math.max(count, 8)))) * width

  const makeChunk = (entries: T[], prefixes?: Float64Array): Chunk<T> => {
    const chunk = { entries, prefixes: new Float64Array(capacityFor(entries.length + 1)) }
    if (prefixes !== undefined) chunk.prefixes.set(prefixes)
    else
      entries.forEach((entry, position) => {
        writePrefix(entry, chunk.prefixes, position * width)
      })
    return chunk
  }

  const copyLast = (chunkIndex: number): void => {
    const { entries, prefixes } = chunks[chunkIndex]!
    const last = entries.length - 1
    lasts[chunkIndex] = entries[last]!
    for (let i = 0; i < width; i++)
      lastPrefixes[chunkIndex * width + i] = prefixes[last * width + i]!
  }

  const rebuild = (): void => {
    tree = new Array<number>(chunks.length + 1).fill(0)
    lasts = new Array<T>(chunks.length)
    lastPrefixes = new Float64Array(chunks.length * width)
    for (let i = 1; i <= chunks.length; i++) {
      copyLast(i - 1)
      tree[i]! += chunks[i - 1]!.entries.length
      const parent = i + (i & -i)
      if (parent <= chunks.length) tree[parent]! += tree[i]!
    }
  }

  /** Records that a chunk grew or shrank by `delta` entries (and did not split or vanish). */
  const resize = (chunkIndex: number, delta: number): void => {
    for (let i = chunkIndex + 1; i < tree.length; i += i & -i) tree[i]! += delta
    copyLast(chunkIndex)
  }

  const sorted = options.sorted === true ? initial : [...initial].sort(compare)
  for (let i = 0; i < sorted.length; i += chunkSize)
    chunks.push(makeChunk(sorted.slice(i, i + chunkSize)))
  size = sorted.length
  rebuild()

  /** Compares the entry with prefix `at` in `prefixes` to the probe; entries decide ties. */
  const compareToProbe = (prefixes: Float64Array, at: number, stored: T, entry: T): number => {
    for (let i = 0; i < width; i++) {
      const x = prefixes[at + i]!
      const y = probe[i]!
      if (x !== y) return x < y ? -1 : 1
    }
    return compare(stored, entry)
  }

  /** The first chunk whose last entry is >= entry (or the last chunk); the probe is set. */
  const findChunk = (entry: T): number => {
    let low = 0
    let high = chunks.length - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compareToProbe(lastPrefixes, middle * width, lasts[middle]!, entry) < 0) low = middle + 1
      else high = middle
    }
    return low
  }

  /** The first position in the chunk whose entry is >= entry; the probe is set. */
  const lowerBound = (chunk: Chunk<T>, entry: T): number => {
    let low = 0
    let high = chunk.entries.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compareToProbe(chunk.prefixes, middle * width, chunk.entries[middle]!, entry) < 0)
        low = middle + 1
      else high = middle
    }
    return low
  }

  /** The number of entries in the chunks before `chunkIndex`. */
  const offsetOf = (chunkIndex: number): number => {
    let offset = 0
    for (let i = chunkIndex; i > 0; i -= i & -i) offset += tree[i]!
    return offset
  }

  /** Where the entry equal to `entry` is stored, or undefined. */
  const find = (entry: T): [number, number] | undefined => {
    if (size === 0) return undefined
    writePrefix(entry, probe, 0)
    const chunkIndex = findChunk(entry)
    const { entries } = chunks[chunkIndex]!
    const position = lowerBound(chunks[chunkIndex]!, entry)
    if (position >= entries.length) return undefined
    // The very entry that was inserted (the usual case) is recognised without reading it.
    if (entries[position] !== entry && compare(entries[position]!, entry) !== 0) return undefined
    return [chunkIndex, position]
  }

  const locate = (index: number): [number, number] | undefined => {
    if (index < 0 || index >= size) return undefined
    // Descend the Fenwick tree to the last chunk whose prefix count is <= index.
    let chunkIndex = 0
    let remaining = index
    for (let step = 1 << Math.floor(Math.log2(chunks.length)); step > 0; step >>= 1) {
      const next = chunkIndex + step
      if (next < tree.length && tree[next]! <= remaining) {
        chunkIndex = next
        remaining -= tree[next]!
      }
    }
    return [chunkIndex, remaining]
  }

  return {
    get size() {
      return size
    },
    insert(entry) {
      if (chunks.length === 0) {
        chunks.push(makeChunk([entry]))
        size = 1
        rebuild()
        return 0
      }
      writePrefix(entry, probe, 0)
      const chunkIndex = findChunk(entry)
      const chunk = chunks[chunkIndex]!
      const position = lowerBound(chunk, entry)
      if ((chunk.entries.length + 1) * width > chunk.prefixes.length) {
        const grown = new Float64Array(capacityFor(chunk.entries.length + 1))
        grown.set(chunk.prefixes)
        chunk.prefixes = grown
      }
      const { entries, prefixes } = chunk
      prefixes.copyWithin((position + 1) * width, position * width, entries.length * width)
      for (let i = 0; i < width; i++) prefixes[position * width + i] = probe[i]!
      entries.splice(position, 0, entry)
      size++
      const index = offsetOf(chunkIndex) + position
      if (entries.length >= 2 * chunkSize) {
        const moved = entries.splice(chunkSize)
        const half = makeChunk(moved, prefixes.subarray(chunkSize * width, 2 * chunkSize * width))
        chunks.splice(chunkIndex + 1, 0, half)
        rebuild()
      } else resize(chunkIndex, 1)
      return index
    },
    delete(entry) {
      const place = find(entry)
      if (place === undefined) return -1
      const [chunkIndex, position] = place
      const { entries, prefixes } = chunks[chunkIndex]!
      const index = offsetOf(chunkIndex) + position
      prefixes.copyWithin(position * width, (position + 1) * width, entries.length * width)
      entries.splice(position, 1)
      size--
      if (entries.length === 0) {
        chunks.splice(chunkIndex, 1)
        rebuild()
      } else resize(chunkIndex, -1)
      return index
    },
    indexOf(entry) {
      const place = find(entry)
      return place === undefined ? -1 : offsetOf(place[0]) + place[1]
    },
    rank(entry) {
      if (size === 0) return 0
      writePrefix(entry, probe, 0)
      const chunkIndex = findChunk(entry)
      return offsetOf(chunkIndex) + lowerBound(chunks[chunkIndex]!, entry)
    },
    at(index) {
      const place = locate(index)
      return place === undefined ? undefined : chunks[place[0]]!.entries[place[1]]
    },
    slice(start, end) {
      const result: T[] = []
      const first = locate(Math.max(0, start))
      if (first === undefined) return result
      const count = Math.min(end, size) - Math.max(0, start)
      let [chunkIndex, position] = first
      while (result.length < count) {
        const { entries } = chunks[chunkIndex]!
        result.push(entries[position]!)
        position++
        if (position >= entries.length) {
          chunkIndex++
          position = 0
        }
      }
      return result
    },
    *values() {
      for (const chunk of chunks) yield* chunk.entries
    },
  }
}

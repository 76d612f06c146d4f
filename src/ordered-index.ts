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

// Chunks hold at most 2 * chunkSize entries: splicing within one costs a short memmove,
// and the chunk list stays short enough (n / chunkSize) to scan for prefix counts.
const chunkSize = 512

/**
 * Makes an empty ordered index. `compare` must be a total order and must not change for an
 * entry while it is in the index: remove it, then insert its new version.
 */
export function createOrderedIndex<T>(
  compare: (a: T, b: T) => number,
  initial: readonly T[] = [],
): OrderedIndex<T> {
  let chunks: T[][] = []
  // A Fenwick tree over the chunk lengths gives prefix counts and index lookups in O(log chunks),
  // so no operation walks the chunk list; it is rebuilt (O(chunks)) only when chunks split or vanish.
  let tree: number[] = [0]
  let size = 0

  const rebuild = (): void => {
    tree = new Array<number>(chunks.length + 1).fill(0)
    for (let i = 1; i <= chunks.length; i++) {
      tree[i]! += chunks[i - 1]!.length
      const parent = i + (i & -i)
      if (parent <= chunks.length) tree[parent]! += tree[i]!
    }
  }

  const add = (chunkIndex: number, delta: number): void => {
    for (let i = chunkIndex + 1; i < tree.length; i += i & -i) tree[i]! += delta
  }

  const load = (sorted: readonly T[]): void => {
    chunks = []
    for (let i = 0; i < sorted.length; i += chunkSize) chunks.push(sorted.slice(i, i + chunkSize))
    size = sorted.length
    rebuild()
  }
  load([...initial].sort(compare))

  /** The first chunk whose last entry is >= entry (or the last chunk). */
  const findChunk = (entry: T): number => {
    let low = 0
    let high = chunks.length - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      const chunk = chunks[middle]!
      if (compare(chunk[chunk.length - 1]!, entry) < 0) low = middle + 1
      else high = middle
    }
    return low
  }

  /** The first position in `chunk` whose entry is >= entry. */
  const lowerBound = (chunk: readonly T[], entry: T): number => {
    let low = 0
    let high = chunk.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compare(chunk[middle]!, entry) < 0) low = middle + 1
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
        chunks.push([entry])
        size = 1
        rebuild()
        return 0
      }
      const chunkIndex = findChunk(entry)
      const chunk = chunks[chunkIndex]!
      const position = lowerBound(chunk, entry)
      chunk.splice(position, 0, entry)
      size++
      const index = offsetOf(chunkIndex) + position
      if (chunk.length > 2 * chunkSize) {
        chunks.splice(chunkIndex + 1, 0, chunk.splice(chunkSize))
        rebuild()
      } else add(chunkIndex, 1)
      return index
    },
    delete(entry) {
      if (size === 0) return -1
      const chunkIndex = findChunk(entry)
      const chunk = chunks[chunkIndex]!
      const position = lowerBound(chunk, entry)
      if (position >= chunk.length || compare(chunk[position]!, entry) !== 0) return -1
      const index = offsetOf(chunkIndex) + position
      chunk.splice(position, 1)
      size--
      if (chunk.length === 0) {
        chunks.splice(chunkIndex, 1)
        rebuild()
      } else add(chunkIndex, -1)
      return index
    },
    indexOf(entry) {
      if (size === 0) return -1
      const chunkIndex = findChunk(entry)
      const chunk = chunks[chunkIndex]!
      const position = lowerBound(chunk, entry)
      if (position >= chunk.length || compare(chunk[position]!, entry) !== 0) return -1
      return offsetOf(chunkIndex) + position
    },
    rank(entry) {
      if (size === 0) return 0
      const chunkIndex = findChunk(entry)
      return offsetOf(chunkIndex) + lowerBound(chunks[chunkIndex]!, entry)
    },
    at(index) {
      const place = locate(index)
      return place === undefined ? undefined : chunks[place[0]]![place[1]]
    },
    slice(start, end) {
      const result: T[] = []
      const first = locate(Math.max(0, start))
      if (first === undefined) return result
      const count = Math.min(end, size) - Math.max(0, start)
      let [chunkIndex, position] = first
      while (result.length < count) {
        const chunk = chunks[chunkIndex]!
        result.push(chunk[position]!)
        position++
        if (position >= chunk.length) {
          chunkIndex++
          position = 0
        }
      }
      return result
    },
    *values() {
      for (const chunk of chunks) yield* chunk
    },
  }
}

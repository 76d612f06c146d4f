// The storage of an ordered index (ordered-index.ts): runs of consecutive entries ("chunks")
// with their key prefixes in typed arrays, a Fenwick tree over the chunk lengths, and the search.

/** A run of consecutive entries and their key prefixes (`width` numbers each, same order). */
export interface Chunk<T> {
  readonly entries: T[]
  prefixes: Float64Array
}

/**
 * Chunks hold fewer than 2 * chunkSize entries. Small chunks keep the memmove of an insert or
 * delete (entries and prefixes after it) and the search inside one chunk within a few cache
 * lines; the price is a longer chunk list, which only splits and merges rebuild. 128 measured
 * best at a million rows among 64, 128, 256 and 512 (docs/benchmarks.md, live queries).
 */
export const chunkSize = 128

/** The chunks, and what the search reads besides them. */
export interface Chunks<T> {
  readonly list: Chunk<T>[]
  readonly width: number
  // A Fenwick tree over the chunk lengths gives prefix counts and index lookups in O(log chunks),
  // so no operation walks the chunk list; it is rebuilt (O(chunks)) only when chunks split or vanish.
  tree: number[]
  // Each chunk's last entry and its prefix, side by side: the chunk search reads these.
  lasts: T[]
  lastPrefixes: Float64Array
}

/** Room for `count` entries' prefixes, doubling up to a full chunk's (8 KB at width 4). */
export function capacityFor(count: number, width: number): number {
  return Math.min(2 * chunkSize, 2 ** Math.ceil(Math.log2(Math.max(count, 8)))) * width
}

/** A chunk of `entries`, with their prefixes copied from `prefixes` or written afresh. */
export function createChunk<T>(
  entries: T[],
  width: number,
  writePrefix: (entry: T, out: Float64Array, at: number) => void,
  prefixes?: Float64Array,
): Chunk<T> {
  const chunk = { entries, prefixes: new Float64Array(capacityFor(entries.length + 1, width)) }
  if (prefixes !== undefined) chunk.prefixes.set(prefixes)
  else
    entries.forEach((entry, position) => {
      writePrefix(entry, chunk.prefixes, position * width)
    })
  return chunk
}

/** Rebuilds the tree and the last entries after chunks were added or removed. */
export function rebuild<T>(chunks: Chunks<T>): void {
  const { list, width } = chunks
  chunks.tree = new Array<number>(list.length + 1).fill(0)
  chunks.lasts = new Array<T>(list.length)
  chunks.lastPrefixes = new Float64Array(list.length * width)
  const { tree } = chunks
  for (let i = 1; i <= list.length; i++) {
    copyLast(chunks, i - 1)
    tree[i]! += list[i - 1]!.entries.length
    const parent = i + (i & -i)
    if (parent <= list.length) tree[parent]! += tree[i]!
  }
}

/** Records that a chunk grew or shrank by `delta` entries (and did not split or vanish). */
export function resize<T>(chunks: Chunks<T>, chunkIndex: number, delta: number): void {
  const { tree } = chunks
  for (let i = chunkIndex + 1; i < tree.length; i += i & -i) tree[i]! += delta
  copyLast(chunks, chunkIndex)
}

function copyLast<T>(chunks: Chunks<T>, chunkIndex: number): void {
  const { entries, prefixes } = chunks.list[chunkIndex]!
  const { width } = chunks
  const last = entries.length - 1
  chunks.lasts[chunkIndex] = entries[last]!
  for (let i = 0; i < width; i++)
    chunks.lastPrefixes[chunkIndex * width + i] = prefixes[last * width + i]!
}

/** The number of entries in the chunks before `chunkIndex`. */
export function offsetOf<T>(chunks: Chunks<T>, chunkIndex: number): number {
  let offset = 0
  for (let i = chunkIndex; i > 0; i -= i & -i) offset += chunks.tree[i]!
  return offset
}

/** Where the entry at `index` (0 ≤ index < size) is: [chunk, position in the chunk]. */
export function locate<T>(chunks: Chunks<T>, index: number): [number, number] {
  const { tree } = chunks
  // Descend the Fenwick tree to the last chunk whose prefix count is <= index.
  let chunkIndex = 0
  let remaining = index
  for (let step = 1 << Math.floor(Math.log2(chunks.list.length)); step > 0; step >>= 1) {
    const next = chunkIndex + step
    if (next < tree.length && tree[next]! <= remaining) {
      chunkIndex = next
      remaining -= tree[next]!
    }
  }
  return [chunkIndex, remaining]
}

/** `count` entries in order from the one at `index` (0 ≤ index, index + count ≤ size). */
export function entriesFrom<T>(chunks: Chunks<T>, index: number, count: number): T[] {
  const result: T[] = []
  let [chunkIndex, position] = locate(chunks, index)
  while (result.length < count) {
    const { entries } = chunks.list[chunkIndex]!
    result.push(entries[position]!)
    position++
    if (position >= entries.length) {
      chunkIndex++
      position = 0
    }
  }
  return result
}

/** Searching the chunks for an entry; each search first writes the entry's prefix (the probe). */
export interface ChunkSearch<T> {
  /** The prefix of the entry being looked for, written by `setProbe`. */
  readonly probe: Float64Array
  setProbe(entry: T): void
  /** The first chunk whose last entry is >= entry (or the last chunk); the probe is set. */
  findChunk(entry: T): number
  /** The first position in the chunk whose entry is >= entry; the probe is set. */
  lowerBound(chunk: Chunk<T>, entry: T): number
}

/** The search over `chunks` under `compare`, comparing key prefixes first. */
export function createChunkSearch<T>(
  chunks: Chunks<T>,
  compare: (a: T, b: T) => number,
  writePrefix: (entry: T, out: Float64Array, at: number) => void,
): ChunkSearch<T> {
  const { width } = chunks
  const probe = new Float64Array(width)

  /** Compares the entry with prefix `at` in `prefixes` to the probe; entries decide ties. */
  const compareToProbe = (prefixes: Float64Array, at: number, stored: T, entry: T): number => {
    for (let i = 0; i < width; i++) {
      const x = prefixes[at + i]!
      const y = probe[i]!
      if (x !== y) return x < y ? -1 : 1
    }
    return compare(stored, entry)
  }

  return {
    probe,
    setProbe(entry) {
      writePrefix(entry, probe, 0)
    },
    findChunk(entry) {
      const { lasts, lastPrefixes } = chunks
      let low = 0
      let high = chunks.list.length - 1
      while (low < high) {
        const middle = (low + high) >>> 1
        if (compareToProbe(lastPrefixes, middle * width, lasts[middle]!, entry) < 0)
          low = middle + 1
        else high = middle
      }
      return low
    },
    lowerBound(chunk, entry) {
      let low = 0
      let high = chunk.entries.length
      while (low < high) {
        const middle = (low + high) >>> 1
        if (compareToProbe(chunk.prefixes, middle * width, chunk.entries[middle]!, entry) < 0)
          low = middle + 1
        else high = middle
      }
      return low
    },
  }
}

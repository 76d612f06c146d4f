// The smallest sort codes of an unsorted list, in order, without sorting the list: a bounded
// max-heap keeps the best `count` codes seen so far, so most codes are refused with one `<`.
// What a live query with a limit shows at open before its ordered index exists (matching-rows.ts).

/**
 * The `count` smallest of `codes` (distinct strings compared by code unit), ascending: the same
 * as `[...codes].sort().slice(0, count)` in O(n + count × log count × log n) for codes in random
 * order.
 * @example
 * smallestCodes(['d', 'a', 'c', 'b'], 2) // ['a', 'b']
 */
export function smallestCodes(codes: readonly string[], count: number): string[] {
  if (count <= 0) return []
  const heap: string[] = []
  for (let index = 0; index < codes.length; index++) {
    const code = codes[index]!
    if (heap.length < count) push(heap, code)
    else if (code < heap[0]!) replaceRoot(heap, code)
  }
  // The default sort compares by code unit, the order of sort codes.
  return heap.sort()
}

function push(heap: string[], code: string): void {
  let at = heap.length
  heap.push(code)
  while (at > 0) {
    const parent = (at - 1) >> 1
    const above = heap[parent]!
    if (code <= above) break
    heap[at] = above
    at = parent
  }
  heap[at] = code
}

function replaceRoot(heap: string[], code: string): void {
  const length = heap.length
  let at = 0
  for (;;) {
    const left = at * 2 + 1
    if (left >= length) break
    const right = left + 1
    const larger = right < length && heap[right]! > heap[left]! ? right : left
    const child = heap[larger]!
    if (child <= code) break
    heap[at] = child
    at = larger
  }
  heap[at] = code
}

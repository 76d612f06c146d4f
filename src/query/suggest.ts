// "Did you mean" for error messages: the candidate nearest to a misspelt word by edit distance.
// Pure string code; knows nothing about queries or tables.

/**
 * The candidate nearest to `word` (case-insensitive Levenshtein distance), or undefined when
 * none is close (distance above a third of the word, at least 2). With `always`, the nearest one
 * whatever the distance.
 */
export function closest(
  word: string,
  candidates: readonly string[],
  always = false,
): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return always || bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1))
    }
    previous = current
  }
  return previous[b.length]!
}

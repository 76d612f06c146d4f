// Tab-separated text as Excel, Google Sheets and Numbers put it on the clipboard: rows on lines,
// cells split by tabs, a cell holding a tab, a line break or a quote wrapped in quotes ("").

/**
 * Reads clipboard text into rows of cells (S122). A final line break ends the last row rather
 * than starting an empty one; `\r\n` and `\r` line breaks count as `\n`. A quote that does not
 * open a properly closed quoted cell is kept as text.
 */
export function parseTsv(text: string): string[][] {
  const source = text.replace(/\r\n?/g, '\n').replace(/\n$/, '')
  const rows: string[][] = []
  let row: string[] = []
  let at = 0
  for (;;) {
    const [cell, next] = readCell(source, at)
    row.push(cell)
    if (next >= source.length) break
    if (source[next] === '\n') {
      rows.push(row)
      row = []
    }
    at = next + 1
  }
  rows.push(row)
  return rows
}

/** One cell starting at `at`: its text and the index of the tab or line break after it. */
function readCell(source: string, at: number): [string, number] {
  if (source[at] === '"') {
    const quoted = readQuoted(source, at)
    if (quoted !== undefined) return quoted
  }
  let end = at
  while (end < source.length && source[end] !== '\t' && source[end] !== '\n') end++
  return [source.slice(at, end), end]
}

/** A quoted cell (`"a ""b"" c"`), or undefined when the quotes do not close before a separator. */
function readQuoted(source: string, at: number): [string, number] | undefined {
  let text = ''
  let index = at + 1
  while (index < source.length) {
    const quote = source.indexOf('"', index)
    if (quote === -1) return undefined
    text += source.slice(index, quote)
    if (source[quote + 1] === '"') {
      text += '"'
      index = quote + 2
      continue
    }
    const after = quote + 1
    if (after >= source.length || source[after] === '\t' || source[after] === '\n')
      return [text, after]
    return undefined
  }
  return undefined
}

/** Writes rows of cells as tab-separated text that spreadsheets read back cell for cell. */
export function toTsv(rows: readonly (readonly string[])[]): string {
  return rows
    .map((row) =>
      row
        .map((cell) => (/[\t\n"]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell))
        .join('\t'),
    )
    .join('\n')
}

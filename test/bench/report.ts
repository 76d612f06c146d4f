// Helpers shared by the benchmarks: timing, medians, heap, and the markdown table they print
// (also written to test-results/bench/<name>.md, for copying into docs/benchmarks.md).
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'

export const time = (run: () => void): number => {
  const start = performance.now()
  run()
  return performance.now() - start
}

export const median = (samples: number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

export const percentile = (samples: number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN
}

/** Heap in use after a full collection (needs --expose-gc, which the bench config passes). */
export const heapUsed = (): number => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run benchmarks with npm run bench (it passes --expose-gc)')
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

export const machine = (): string =>
  `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`

/**
 * Prints a markdown table and writes it to test-results/bench/<name>.md; `bench` names the
 * benchmark file that prints it (a second table of one file has a name of its own).
 */
export function report(
  name: string,
  title: string,
  header: string[],
  rows: (string | number)[][],
  bench = name,
): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
  const text = [
    `### ${title}`,
    '',
    `Machine: ${machine()}. Command: \`npm run bench -- test/bench/${bench}.bench.ts\`.`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
    '',
  ].join('\n')
  const dir = join(import.meta.dirname, '../../test-results/bench')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${name}.md`), text)
  console.log(`\n${text}`)
  return text
}

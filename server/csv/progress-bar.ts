// A progress bar for the CLI on stderr: redrawn in place on a terminal, one line per tenth
// otherwise (logs and pipes). Knows nothing about what it measures.
import type { Writable } from 'node:stream'

/** A bar that shows `done` of `total` (total unknown: a count only). */
export interface ProgressBar {
  update(done: number, total: number | undefined, label: string): void
  /** Ends the bar's line. */
  finish(): void
}

const width = 30

/** Creates a bar on `stream` (process.stderr in the CLI). */
export function createProgressBar(stream: Writable & { isTTY?: boolean }): ProgressBar {
  let lastShown = -1
  let isDrawn = false
  return {
    update(done, total, label) {
      const percent =
        total === undefined || total === 0
          ? undefined
          : Math.min(100, Math.floor((done / total) * 100))
      const step = stream.isTTY === true ? (percent ?? done) : Math.floor((percent ?? 0) / 10)
      if (step === lastShown) return
      lastShown = step
      const filled = percent === undefined ? 0 : Math.round((percent / 100) * width)
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
      const text = `${bar} ${percent === undefined ? '' : `${String(percent).padStart(3)}% `}${label}`
      if (stream.isTTY === true) stream.write(`\r${text}\u001b[K`)
      else stream.write(`${text}\n`)
      isDrawn = true
    },
    finish() {
      if (isDrawn && stream.isTTY === true) stream.write('\n')
      isDrawn = false
    },
  }
}

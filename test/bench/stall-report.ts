// What held a benchmark server's event loop in a window (TESSERA_BENCH_STALLS): the probe's
// (stall-probe.ts) long turns, each millisecond of them put down to what ran then (GC, Brotli,
// a SQLite transaction that checkpointed, another transaction by who made it), the rest "JS".
import { existsSync, readFileSync } from 'node:fs'
import type { StallEvent } from './stall-probe.js'

/** The stall figures of a window: ms of long turns per second, by cause; counts; the longest. */
export interface StallFigures {
  perSecond: Record<string, number>
  longTurns: number
  over20Ms: number
  maxMs: number
  checkpoints: number
  checkpointFrames: number
}

/** Turns longer than this (ms) are stalls. */
const longTurnMs = 5

const causeOf = (event: StallEvent): string => {
  if (event.k.startsWith('gc') || event.k === 'brotli') return event.k
  // Frames backfilled during a long transaction: the writer checkpointed (a checkpoint worker's
  // pass, concurrent, may backfill during a short one too).
  if (event.f !== undefined && event.d >= longTurnMs) return 'checkpoint'
  const name = event.k.replace(/^tx:/, '')
  if (name === 'createTurn') return 'commit'
  if (name === 'createBackgroundIndexer') return 'audit index'
  return `sqlite ${name}`
}

// Innermost first: a GC inside a transaction is the GC's.
const priority = ['gc', 'gc major', 'brotli', 'checkpoint']
const rank = (cause: string): number => {
  const index = priority.indexOf(cause)
  return index < 0 ? priority.length : index
}

/** Reads the probe's file and attributes its long turns within [fromMs, toMs] (epoch ms). */
export function stallFigures(file: string, fromMs: number, toMs: number): StallFigures {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []
  const events = lines
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as StallEvent)
    .filter((event) => event.k !== 'paced' && event.s + event.d >= fromMs && event.s <= toMs)
  const gaps = events.filter((event) => event.k === 'gap' && event.d > longTurnMs)
  const others = events
    .filter((event) => event.k !== 'gap')
    .sort((a, b) => rank(causeOf(a)) - rank(causeOf(b)))
  const totals: Record<string, number> = {}
  const stepMs = 0.1
  for (const gap of gaps) {
    for (let at = gap.s; at < gap.s + gap.d; at += stepMs) {
      const event = others.find((other) => other.s <= at && at < other.s + other.d)
      const cause = event === undefined ? 'JS' : causeOf(event)
      totals[cause] = (totals[cause] ?? 0) + stepMs
    }
  }
  // What the process did not run for (it waited for a core) is taken from the unexplained part.
  const offCpu = gaps.reduce((sum, gap) => sum + Math.max(0, gap.d - (gap.c ?? gap.d)), 0)
  const waited = Math.min(offCpu, totals['JS'] ?? 0)
  if (waited > 0) {
    totals['JS'] = (totals['JS'] ?? 0) - waited
    totals['waiting for a core'] = waited
  }
  const seconds = (toMs - fromMs) / 1000
  const perSecond: Record<string, number> = {}
  for (const [cause, ms] of Object.entries(totals).sort((a, b) => b[1] - a[1]))
    perSecond[cause] = ms / seconds
  const checkpoints = events.filter((event) => causeOf(event) === 'checkpoint')
  return {
    perSecond,
    longTurns: gaps.length,
    over20Ms: gaps.filter((gap) => gap.d > 20).length,
    maxMs: Math.max(0, ...gaps.map((gap) => gap.d)),
    checkpoints: checkpoints.length,
    checkpointFrames: checkpoints.reduce((sum, event) => sum + (event.f ?? 0), 0),
  }
}

/** One cell of the benchmark's table. */
export function formatStalls(figures: StallFigures): string {
  const causes = Object.entries(figures.perSecond)
    .map(([cause, ms]) => `${cause} ${ms.toFixed(1)}`)
    .join(', ')
  const total = Object.values(figures.perSecond).reduce((sum, ms) => sum + ms, 0)
  return (
    `${total.toFixed(1)} ms/s in ${figures.longTurns} turns > ${longTurnMs} ms ` +
    `(${figures.over20Ms} > 20 ms, max ${figures.maxMs.toFixed(1)}): ${causes}; ` +
    `${figures.checkpoints} checkpoints, ${figures.checkpointFrames} frames`
  )
}

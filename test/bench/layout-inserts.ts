// The bulk insert of layout.bench.ts measured again: the layouts alternated round by round
// (Tessera beside its insert floor and the peers, issue 16 item 4), and a CPU profile of each.
import * as Y from 'yjs'
import { tessera, type Layout } from './layouts.js'
import { saveProfile, startProfile, topFrames } from './profile.js'
import { heapUsed, median, time } from './report.js'

const format = (value: number) => value.toFixed(0)

/**
 * With TESSERA_BENCH_PROFILE=<dir>: a CPU profile of `repeats` more bulk inserts by `layout` of
 * `rowIds` with `input`, each into a new doc, written to <dir>/layout-insert-<key>.cpuprofile;
 * returns its path and top frames.
 */
export async function profileInserts(
  layout: Layout,
  rowIds: string[],
  input: Record<string, unknown>[],
  repeats: number,
): Promise<string[]> {
  const stop = await startProfile()
  for (let run = 0; run < repeats; run++) {
    const doc = new Y.Doc()
    layout.open(doc)
    layout.insert(doc, rowIds, input)
  }
  const profile = await stop()
  const path = saveProfile(profile, `layout-insert-${layout.key}`)
  return [`${layout.name}: ${path}`, ...topFrames(profile, 15).map((line) => `  ${line}`)]
}

/**
 * The bulk insert of each of `chosen` in turn, `insertRounds` times (the order reversed every
 * other round), each into a new doc after a full collection: per layout the median wall and
 * CPU time, and per pair the median of the ratios of one round (a shared machine slows
 * neighbouring runs alike). `measure` times each layout in one block, one after the other.
 */
export function alternatedInserts(
  chosen: Layout[],
  rowIds: string[],
  inputOf: (layout: Layout) => Record<string, unknown>[],
  insertRounds: number,
): (string | number)[][] {
  const inputs = new Map(chosen.map((layout) => [layout, inputOf(layout)]))
  const wall = new Map<Layout, number[]>(chosen.map((layout) => [layout, []]))
  const cpu = new Map<Layout, number[]>(chosen.map((layout) => [layout, []]))
  for (let round = 0; round < insertRounds; round++) {
    for (const layout of round % 2 === 0 ? chosen : [...chosen].reverse()) {
      heapUsed()
      const doc = new Y.Doc()
      layout.open(doc)
      const start = process.cpuUsage()
      wall.get(layout)!.push(time(() => layout.insert(doc, rowIds, inputs.get(layout)!)))
      const used = process.cpuUsage(start)
      cpu.get(layout)!.push((used.user + used.system) / 1000)
    }
  }
  const rows: (string | number)[][] = chosen.map((layout) => [
    layout.name,
    format(median(wall.get(layout)!)),
    format(median(cpu.get(layout)!)),
  ])
  const paired = (of: number[], over: number[]) =>
    `${median(of.map((value, round) => value / over[round]!)).toFixed(2)}×`
  for (const [ours, theirs] of [
    [tessera, chosen.find((layout) => layout.isPeer)],
    [tessera, chosen.find((layout) => layout.isInsertOnly === true)],
    [chosen.find((layout) => layout.isInsertOnly === true), chosen.find((layout) => layout.isPeer)],
  ]) {
    if (ours === undefined || theirs === undefined || !chosen.includes(ours)) continue
    rows.push([
      `${ours === tessera ? 'Tessera' : ours.name} ÷ ${theirs.name}`,
      paired(wall.get(ours)!, wall.get(theirs)!),
      paired(cpu.get(ours)!, cpu.get(theirs)!),
    ])
  }
  return rows
}

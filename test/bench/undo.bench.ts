// What undo by value (S275, S276) costs beside the plain Yjs UndoManager that undo was before it:
// the time of a step and of its undo, and the heap a recorded step holds, for a bulk insert, cell
// edits one step each, and the delete of every row of an edited table. The two are alternated
// in one process (the machine is shared: read the ratios).
import { it } from 'vitest'
import * as Y from 'yjs'
import { createUndo } from '../../client/undo.js'
import { createTable, type Table } from '../../src/index.js'
import { profileDir, saveProfile, startProfile, topFrames } from './profile.js'
import { heapUsed, machine, median, report, time } from './report.js'

const rowCount = Number(process.env.TESSERA_BENCH_ROWS || 10_000)
const rounds = Number(process.env.TESSERA_BENCH_ROUNDS || 3)
const edits = 1_000

interface Kind {
  key: string
  attach(table: Table): { undo(): void }
}

const kinds: Kind[] = [
  {
    key: 'Yjs UndoManager (before)',
    attach(table) {
      const manager = new Y.UndoManager(table.doc, {
        trackedOrigins: new Set([table.origin]),
        captureTimeout: 0,
      })
      return { undo: () => manager.undo() }
    },
  },
  {
    key: 'undo by value (S276)',
    attach: (table) =>
      createUndo(table, {}, (error) => {
        throw error
      }),
  },
]

const columns = Array.from({ length: 10 }, (_, index) => ({
  name: `c${index}`,
  type: 'number' as const,
}))
const rowOf = (index: number) =>
  Object.fromEntries(columns.map((column, at) => [column.name, index + at]))

interface Sample {
  insert: number
  edit: number
  remove: number
  undoRemove: number
  heap: number
}

function measure(kind: Kind): Sample {
  const table = createTable({ columns })
  const undo = kind.attach(table)
  const rows = Array.from({ length: rowCount }, (_, index) => rowOf(index))
  let ids: string[] = []
  const insert = time(() => (ids = table.insertRows(rows)))
  const edit = time(() => {
    for (let index = 0; index < edits; index++)
      table.setCell(ids[index % ids.length]!, columns[index % columns.length]!.name, -index)
  })
  const before = heapUsed()
  const remove = time(() => table.deleteRows(ids))
  // The deleted rows' items are kept by both managers; what differs is the recorded values.
  const heap = heapUsed() - before
  const undoRemove = time(() => {
    undo.undo()
  })
  if (table.size !== rowCount) throw new Error('undo did not bring every row back')
  return { insert, edit, remove, undoRemove, heap }
}

it('undo by value: the cost of a step and of its undo', async () => {
  const samples = new Map<string, Sample[]>(kinds.map((kind) => [kind.key, []]))
  measure(kinds[0]!)
  for (let round = 0; round < rounds; round++)
    for (const kind of kinds) samples.get(kind.key)!.push(measure(kind))
  const rows = kinds.map((kind) => {
    const of = (field: keyof Sample) =>
      median(samples.get(kind.key)!.map((sample) => sample[field]))
    return [
      kind.key,
      of('insert').toFixed(0),
      (of('edit') / edits).toFixed(3),
      of('remove').toFixed(0),
      of('undoRemove').toFixed(0),
      (of('heap') / rowCount).toFixed(0),
    ]
  })
  if (profileDir !== undefined) {
    // TESSERA_BENCH_PROFILE=<dir>: where the undo of the delete spends its time.
    const stop = await startProfile()
    for (let round = 0; round < rounds; round++) measure(kinds[1]!)
    const profile = await stop()
    console.log(saveProfile(profile, 'undo'), '\n' + topFrames(profile, 15).join('\n'))
  }
  report(
    'undo',
    `${rowCount} rows of 10 number columns, median of ${rounds} rounds, ${machine()}`,
    [
      'undo',
      `insert ${rowCount} rows (ms)`,
      'one cell edit (ms)',
      `delete ${rowCount} rows (ms)`,
      'undo of that delete (ms)',
      'heap held after the delete (B/row)',
    ],
    rows,
  )
})

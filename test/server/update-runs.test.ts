// A group commit's run of one writer's updates becomes one log entry (server/update-runs.ts):
// joined byte for byte when they are one client's consecutive structs, merged by Yjs otherwise.
// Either way the entry must rebuild exactly what applying the updates one by one builds.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { layoutOf } from '../../server/update-layout.js'
import { updateOfRun } from '../../server/update-runs.js'

/** The state a doc reaches from `updates`, as bytes that are equal only for equal states. */
function stateOf(updates: readonly Uint8Array[]): { state: Uint8Array; json: unknown } {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return { state: Y.encodeStateAsUpdate(doc), json: createTable({ doc }).toJSON() }
}

type Edit =
  | { kind: 'set'; row: number; column: 'a' | 'b'; value: number | string }
  | { kind: 'insert'; value: number }
  | { kind: 'delete'; row: number }

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    row: fc.nat(5),
    column: fc.constantFrom('a' as const, 'b' as const),
    value: fc.oneof(fc.integer(), fc.string({ maxLength: 4 })),
  }),
  fc.record({ kind: fc.constant('insert' as const), value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), row: fc.nat(5) }),
)

/** A table with rows on two replicas, and the updates each edit of `edits` makes on one of them. */
function updatesOf(edits: readonly (Edit & { onSecond: boolean })[]) {
  const columns = [
    { name: 'a', type: 'json' as const },
    { name: 'b', type: 'json' as const },
  ]
  const first = createTable({ columns })
  const ids = first.insertRows([0, 1, 2, 3].map((n) => ({ a: n, b: n })))
  const base = Y.encodeStateAsUpdate(first.doc)
  const secondDoc = new Y.Doc()
  Y.applyUpdate(secondDoc, base)
  const second = createTable({ doc: secondDoc })
  const updates: Uint8Array[] = []
  for (const table of [first, second])
    table.doc.on('update', (update: Uint8Array) => updates.push(update))
  for (const { onSecond, ...change } of edits) {
    const table = onSecond ? second : first
    const live = table.listRows().map((row) => row.id)
    if (change.kind === 'insert') ids.push(table.insertRow({ a: change.value }))
    else if (live.length === 0) continue
    else if (change.kind === 'set')
      table.setCell(live[change.row % live.length]!, change.column, change.value)
    else table.deleteRow(live[change.row % live.length]!)
  }
  return { base, updates }
}

describe('one log entry per run of updates', () => {
  it('rebuilds what the updates build one by one, joined or merged', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .record({ onSecond: fc.boolean() })
            .chain((side) => edit.map((e) => ({ ...e, ...side }))),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        (edits) => {
          const { base, updates } = updatesOf(edits)
          const entry = updateOfRun(updates)
          expect(stateOf([base, entry])).toEqual(stateOf([base, ...updates]))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('joins one replica’s consecutive edits without Yjs, and refuses a run that skips', () => {
    const { base, updates } = updatesOf(
      [0, 1, 2].map((row) => ({ kind: 'set', row, column: 'a', value: row, onSecond: false })),
    )
    const entry = updateOfRun(updates)
    expect(layoutOf(entry)?.structs?.count).toBe(3)
    expect(stateOf([base, entry])).toEqual(stateOf([base, ...updates]))
    // Without the middle update the run has a gap: Yjs merges it, and nothing is joined.
    const gapped = updateOfRun([updates[0]!, updates[2]!])
    expect(stateOf([base, gapped])).toEqual(stateOf([base, updates[0]!, updates[2]!]))
  })
})

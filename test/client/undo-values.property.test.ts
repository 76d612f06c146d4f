// Undo by value under random schedules (S275, S276, S277): one client's edits, deletes, undos
// and redos, a second replica editing rows the first has deleted (from a stale copy, so its
// edits are concurrent with the deletes), and the server's reclaim in between. After every undo
// and redo the first client reads exactly what it read before the step it undid (or redid).
import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import * as Y from 'yjs'
import { createUndo } from '../../client/undo.js'
import { createTable, type Row } from '../../src/index.js'
import { reclaimDeadOverrides, tableMaps } from '../../src/internal.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 200)
const columnNames = ['title', 'n'] as const

type Command =
  | { kind: 'insert'; value: number }
  | { kind: 'edit'; row: number; column: 0 | 1; value: number }
  | { kind: 'move'; row: number; anchor: number }
  | { kind: 'delete'; row: number; count: 1 | 2 }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'sync' }
  | { kind: 'pull' }
  | { kind: 'stale-edit'; row: number; column: 0 | 1; value: number }
  | { kind: 'reclaim' }
  | { kind: 'race'; row: number; column: 0 | 1; value: number }

const cell = { row: fc.nat(3), column: fc.constantFrom(0 as const, 1 as const), value: fc.nat(9) }
const weighted = (weight: number, arbitrary: fc.Arbitrary<Command>) => ({ weight, arbitrary })
// Weighted towards what undo by value is about: edits, deletes, stale edits of deleted rows,
// syncs and reclaims between them, then undos.
const command: fc.Arbitrary<Command> = fc.oneof(
  weighted(2, fc.record({ kind: fc.constant('insert' as const), value: fc.nat(9) })),
  weighted(3, fc.record({ kind: fc.constant('edit' as const), ...cell })),
  weighted(1, fc.record({ kind: fc.constant('move' as const), row: fc.nat(), anchor: fc.nat() })),
  weighted(
    2,
    fc.record({
      kind: fc.constant('delete' as const),
      row: fc.nat(),
      count: fc.constantFrom(1 as const, 2 as const),
    }),
  ),
  weighted(4, fc.constant({ kind: 'undo' as const })),
  weighted(2, fc.constant({ kind: 'redo' as const })),
  weighted(3, fc.constant({ kind: 'sync' as const })),
  weighted(2, fc.constant({ kind: 'pull' as const })),
  weighted(3, fc.record({ kind: fc.constant('stale-edit' as const), ...cell })),
  weighted(2, fc.constant({ kind: 'reclaim' as const })),
  weighted(2, fc.record({ kind: fc.constant('race' as const), ...cell })),
)

function run(commands: readonly Command[], clients: [number, number]): void {
  const server = new Y.Doc()
  const docs = [new Y.Doc(), new Y.Doc()] as const
  ;[docs[0].clientID, docs[1].clientID] = clients
  const a = createTable({
    doc: docs[0],
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number', default: 0 },
    ],
  })
  const b = createTable({ doc: docs[1] })
  const undo = createUndo(a, {}, (error) => {
    throw error
  })
  const push = (doc: Y.Doc) => {
    Y.applyUpdate(server, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server)))
  }
  const pull = (doc: Y.Doc) => {
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(doc)))
  }
  push(docs[0])
  pull(docs[1])
  // What a read before each step it can undo (and redo), as the model of its two stacks.
  const undone: Row[][] = []
  const redone: Row[][] = []
  const step = (edit: () => void): void => {
    const before = a.listRows()
    edit()
    undone.push(before)
    redone.length = 0
  }
  const pick = <T>(list: readonly T[], index: number): T | undefined =>
    list.length === 0 ? undefined : list[index % list.length]
  for (const next of commands) {
    const ids = a.rowIds()
    switch (next.kind) {
      case 'insert':
        step(() => a.insertRow({ title: `v${next.value}`, n: next.value }))
        break
      case 'edit': {
        const id = pick(ids, next.row)
        const name = columnNames[next.column]
        if (id !== undefined)
          step(() => {
            a.setCell(id, name, name === 'n' ? next.value : `e${next.value}`)
          })
        break
      }
      case 'move': {
        const [id, anchor] = [pick(ids, next.row), pick(ids, next.anchor)]
        if (id !== undefined && anchor !== undefined && id !== anchor)
          step(() => {
            a.moveRow(id, { before: anchor })
          })
        break
      }
      case 'delete': {
        const chosen = new Set([pick(ids, next.row), pick(ids, next.row + 1)].slice(0, next.count))
        chosen.delete(undefined)
        if (chosen.size > 0) step(() => a.deleteRows(chosen as Set<string>))
        break
      }
      case 'undo': {
        const before = a.listRows()
        expect(undo.undo()).toBe(undone.length > 0)
        if (undone.length === 0) break
        expect(a.listRows()).toEqual(undone.pop())
        redone.push(before)
        break
      }
      case 'redo': {
        const before = a.listRows()
        expect(undo.redo()).toBe(redone.length > 0)
        if (redone.length === 0) break
        expect(a.listRows()).toEqual(redone.pop())
        undone.push(before)
        break
      }
      case 'sync':
        push(docs[0])
        pull(docs[0])
        break
      case 'pull':
        pull(docs[1])
        break
      case 'stale-edit': {
        // Only rows b still has and a has not: b's edit is concurrent with a's delete (S3).
        const stale = b.rowIds().filter((id) => !a.hasRow(id))
        const id = pick(stale, next.row)
        const name = columnNames[next.column]
        if (id === undefined) break
        b.setCell(id, name, name === 'n' ? next.value + 10 : `b${next.value}`)
        push(docs[1])
        break
      }
      case 'reclaim':
        reclaimDeadOverrides(tableMaps(server), 'reclaim')
        break
      case 'race': {
        // a edits a cell, b sees it, a deletes the row, b (not yet seeing that) edits the cell.
        const id = pick(ids, next.row)
        const name = columnNames[next.column]
        if (id === undefined) break
        step(() => {
          a.setCell(id, name, name === 'n' ? next.value : `e${next.value}`)
        })
        push(docs[0])
        pull(docs[1])
        step(() => a.deleteRow(id))
        b.setCell(id, name, name === 'n' ? next.value + 10 : `b${next.value}`)
        push(docs[1])
        break
      }
    }
  }
  // Whatever arrives after the last step, a still reads what its own steps left (S277).
  const last = a.listRows()
  push(docs[0])
  pull(docs[0])
  reclaimDeadOverrides(tableMaps(server), 'reclaim')
  pull(docs[0])
  expect(a.listRows()).toEqual(last)
}

test.prop(
  [fc.array(command, { maxLength: 40 }), fc.constantFrom<[number, number]>([1, 2], [2, 1])],
  { numRuns },
)(
  'S275: after every undo and redo, across reclaims and concurrent edits of deleted rows, the client reads what it read before the step',
  (commands, clients) => {
    run(commands, clients)
  },
)

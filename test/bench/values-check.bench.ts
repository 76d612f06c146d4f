// The server's checks of one update (applyChecked, S80–S87 and S286–S290) in data format 3
// beside format 2, on one server replica in one process: a 100-row insert (format 2 from the
// table's writer, format 3 from the raw writer that format 3's writer will match) and a single-
// cell edit of a row of each format. The kinds are alternated round by round, so the machine's
// load falls on all of them alike; each figure is the median time of one update's check.
import { it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { packedKey, tableMaps } from '../../src/layout.js'
import { allPermissions } from '../../src/permissions.js'
import { applyChecked } from '../../src/validation.js'
import { valuesRowOf } from '../../src/values-array.js'
import { writeRawFormatThreeRows } from '../helpers/raw-format-three.js'
import { median, report } from './report.js'

const rounds = Number(process.env.TESSERA_BENCH_ROUNDS || 20)
const perRound = 20
const batch = 100
const columnCount = 10

it('checks a format 3 insert and edit beside format 2', () => {
  const schema = createTable({
    columns: Array.from({ length: columnCount }, (_, at) => ({
      name: `c${at}`,
      type: at % 2 === 0 ? ('string' as const) : ('number' as const),
    })),
  })
  // One server replica per format: a table of format 2 refuses a newer version (S82), and a
  // writer of format 2 writes nothing into a table of version 3.
  const serverTwo = new Y.Doc()
  Y.applyUpdate(serverTwo, Y.encodeStateAsUpdate(schema.doc))
  const serverThree = new Y.Doc()
  Y.applyUpdate(serverThree, Y.encodeStateAsUpdate(schema.doc))
  tableMaps(serverThree).meta.set('formatVersion', 3)
  const twoDoc = new Y.Doc()
  Y.applyUpdate(twoDoc, Y.encodeStateAsUpdate(serverTwo))
  const two = createTable({ doc: twoDoc })
  // What a new copy writes when it opens (S82's fill-ins), the server has too.
  Y.applyUpdate(serverTwo, Y.encodeStateAsUpdate(twoDoc, Y.encodeStateVector(serverTwo)))
  const three = new Y.Doc()
  Y.applyUpdate(three, Y.encodeStateAsUpdate(serverThree))
  const maps = tableMaps(schema.doc)
  const nameOf = (id: string) => maps.columns.get(id)!.get('name') as string
  const columns = [...maps.columns.keys()].sort(
    (a, b) => Number(nameOf(a).slice(1)) - Number(nameOf(b).slice(1)),
  )
  const names = columns.map(nameOf)
  const cellsOf = (row: number) => columns.map((_, at) => (at % 2 === 0 ? `v${row}-${at}` : row))
  let next = 0
  // Each kind: the updates of one round, made by its own writer in order.
  const updatesOf = (doc: Y.Doc, write: () => void): Uint8Array => {
    const vector = Y.encodeStateVector(doc)
    write()
    return Y.encodeStateAsUpdate(doc, vector)
  }
  const kinds: Record<string, [Y.Doc, () => Uint8Array]> = {
    'insert, format 2': [
      serverTwo,
      () =>
        updatesOf(two.doc, () => {
          two.insertRows(
            Array.from({ length: batch }, () => {
              const row = next++
              return Object.fromEntries(names.map((name, at) => [name, cellsOf(row)[at]]))
            }),
          )
        }),
    ],
    'insert, format 3': [
      serverThree,
      () =>
        updatesOf(three, () => {
          writeRawFormatThreeRows(
            three,
            columns,
            Array.from({ length: batch }, () => {
              const row = next++
              return { id: `t${row}`, cells: cellsOf(row) }
            }),
          )
        }),
    ],
    'cell edit, format 2': [
      serverTwo,
      () => {
        const id = two.listRows()[0]!.id
        return updatesOf(two.doc, () => two.updateRow(id, { [names[1]!]: next++ }))
      },
    ],
    'cell edit, format 3': [
      serverThree,
      () => {
        const inc = valuesRowOf(tableMaps(three).rows.get(firstThree))!.inc
        return updatesOf(three, () => tableMaps(three).overrides.set(packedKey(inc, 2), next++))
      },
    ],
  }
  const samples = new Map<string, number[]>(Object.keys(kinds).map((kind) => [kind, []]))
  // The edits need a row of each format: one insert of each first, unmeasured.
  const firstThree = `t${next + batch}`
  // The same updates applied without checks, to a copy of each server replica: what Yjs alone
  // costs, so the difference is the checks'.
  const plain = new Map<Y.Doc, Y.Doc>()
  for (const server of [serverTwo, serverThree]) {
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server))
    plain.set(server, copy)
  }
  const unchecked = new Map<string, number[]>(Object.keys(kinds).map((kind) => [kind, []]))
  for (const kind of ['insert, format 2', 'insert, format 3']) {
    const [server, make] = kinds[kind]!
    const update = make()
    applyChecked(server, update, 'bench', allPermissions)
    Y.applyUpdate(plain.get(server)!, update)
  }
  for (let round = 0; round < rounds; round++) {
    for (const [kind, [server, make]] of Object.entries(kinds)) {
      const updates = Array.from({ length: perRound }, make)
      for (const update of updates) {
        const start = performance.now()
        const result = applyChecked(server, update, 'bench', allPermissions)
        samples.get(kind)!.push(performance.now() - start)
        if (result.violations.length > 0) throw new Error(JSON.stringify(result.violations))
        if (kind.startsWith('insert') && result.inserted.length !== batch)
          throw new Error(`${kind}: ${result.inserted.length} rows inserted`)
      }
      const copy = plain.get(server)!
      for (const update of updates) {
        const start = performance.now()
        Y.applyUpdate(copy, update, 'bench')
        unchecked.get(kind)!.push(performance.now() - start)
      }
    }
  }
  const insertTwo = median(samples.get('insert, format 2')!)
  const editTwo = median(samples.get('cell edit, format 2')!)
  report(
    'values-check',
    'applyChecked per update: format 3 beside format 2 (alternated, one process)',
    ['update', 'applyChecked, median ms', '÷ format 2', 'Y.applyUpdate alone, median ms'],
    [...samples].map(([kind, times]) => {
      const reference = kind.startsWith('insert') ? insertTwo : editTwo
      return [
        kind,
        median(times).toFixed(3),
        (median(times) / reference).toFixed(2),
        median(unchecked.get(kind)!).toFixed(3),
      ]
    }),
  )
})

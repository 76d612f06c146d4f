import { describe, expect, it } from 'vitest'
import { createConflicts, type Table } from '../../src/index.js'
import { createNetwork } from '../helpers/replicas.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
]

function setup(count = 2) {
  const network = createNetwork(count, { columns })
  const id = network.tables[0]!.insertRow({ title: 'base', n: 1 })
  network.deliverAll()
  const conflicts = network.tables.map((table: Table) => createConflicts(table))
  return { network, id, tables: network.tables, conflicts }
}

describe('conflict reports', () => {
  it('S40: reports a local write overwritten by a concurrent remote write, with both values and who', () => {
    const { network, id, tables, conflicts } = setup()
    tables[0]!.setCell(id, 'title', 'from 1')
    tables[1]!.setCell(id, 'title', 'from 2')
    network.deliverAll()
    // Client 2 has the greater client id, so its write wins on both replicas (Yjs's order).
    expect(tables[0]!.getCell(id, 'title')).toBe('from 2')
    expect(conflicts[0]!.list()).toEqual([
      expect.objectContaining({
        row: id,
        column: 'title',
        mine: 'from 1',
        theirs: 'from 2',
        by: 2,
      }),
    ])
    expect(conflicts[1]!.list()).toEqual([])
  })

  it('S40: an overwrite by a writer that had seen the value is not a conflict', () => {
    const { network, id, tables, conflicts } = setup()
    tables[0]!.setCell(id, 'title', 'first')
    network.deliverAll()
    tables[1]!.setCell(id, 'title', 'second')
    network.deliverAll()
    expect(tables[0]!.getCell(id, 'title')).toBe('second')
    expect(conflicts[0]!.list()).toEqual([])
  })

  it('S40: a concurrent write to another cell of the row is not a conflict', () => {
    const { network, id, tables, conflicts } = setup()
    tables[0]!.setCell(id, 'title', 'mine')
    tables[1]!.setCell(id, 'n', 5)
    network.deliverAll()
    expect(conflicts.map((c) => c.list().length)).toEqual([0, 0])
  })

  it('S40: a third replica that saw the loser value before overwriting it causes no new report', () => {
    const { network, id, tables, conflicts } = setup(3)
    tables[1]!.setCell(id, 'title', 'from 2')
    network.deliverOne(2)
    tables[2]!.setCell(id, 'title', 'from 3 after seeing 2')
    network.deliverAll()
    expect(tables[1]!.getCell(id, 'title')).toBe('from 3 after seeing 2')
    expect(conflicts[1]!.list()).toEqual([])
  })

  it('S41: a report stays until dismissed, the cell is written again, or the row is deleted', () => {
    const { network, id, tables, conflicts } = setup()
    const changes: number[] = []
    conflicts[0]!.subscribe((list) => changes.push(list.length))
    const clash = (value: number) => {
      tables[0]!.setCell(id, 'n', value)
      tables[1]!.setCell(id, 'n', value + 100)
      network.deliverAll()
    }
    clash(1)
    const [first] = conflicts[0]!.list()
    expect(conflicts[0]!.forCell(id, 'n')).toEqual([first])
    conflicts[0]!.dismiss(first!.id)
    clash(2)
    tables[0]!.setCell(id, 'n', 7)
    clash(3)
    tables[1]!.deleteRow(id)
    network.deliverAll()
    expect(changes).toEqual([1, 0, 1, 0, 1, 0])
  })

  it('S42: concurrent moves and concurrent creates of one id are not cell conflicts', () => {
    const { network, id, tables, conflicts } = setup()
    const other = tables[0]!.insertRow({ title: 'other' })
    network.deliverAll()
    tables[0]!.moveRow(id, { after: other })
    tables[1]!.moveRow(other, { after: id })
    tables[0]!.insertRow({ title: 'a' }, { id: 'same' })
    tables[1]!.insertRow({ title: 'b' }, { id: 'same' })
    network.deliverAll()
    expect(conflicts.map((c) => c.list().length)).toEqual([0, 0])
  })
})

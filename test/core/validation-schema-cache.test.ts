// S201: the server judges each update against the schema as it stands when the update is applied,
// however the schema last changed (another writer's update, the server's own API, the same
// update), though it keeps the column types between updates that leave the columns alone.
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { createTable, type Table } from '../../src/index.js'
import { allPermissions } from '../../src/permissions.js'
import { applyChecked } from '../../src/validation.js'
import { writeRawOverride } from '../helpers/raw-cells.js'

/** A server replica and a writer; `send` runs the writer's edits through applyChecked. */
function setup() {
  const server = createTable({ columns: [{ name: 'n', type: 'number' as const, default: 0 }] })
  const writer = createTable({ doc: new Y.Doc() })
  Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(server.doc))
  Y.applyUpdate(server.doc, Y.encodeStateAsUpdate(writer.doc))
  const send = (edit: (table: Table) => void) => {
    const vector = Y.encodeStateVector(writer.doc)
    edit(writer)
    const update = Y.encodeStateAsUpdate(writer.doc, vector)
    const result = applyChecked(server.doc, update, 'writer', allPermissions)
    Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(server.doc, Y.encodeStateVector(writer.doc)))
    return result.violations.map((violation) => violation.code)
  }
  const id = server.insertRow({ n: 1 })
  Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(server.doc))
  const columnId = server.columns().find((column) => column.name === 'n')!.id
  // Each write a new text, so that it changes what readers see.
  let count = 0
  const writeText = (table: Table) => {
    writeRawOverride(table.doc, id, columnId, `text ${++count}`)
  }
  return { server, writer, send, id, writeText }
}

describe('S201: the schema of the moment judges each update', () => {
  it('S201: a type changed by the server itself applies to the next update', () => {
    const { server, send, id, writeText } = setup()
    expect(send(writeText)).toEqual(['SCHEMA_VIOLATION'])
    expect(server.getRow(id)).toMatchObject({ n: null })
    server.setColumnType('n', 'string')
    expect(send(writeText)).toEqual([])
    expect(server.getRow(id)).toMatchObject({ n: expect.stringMatching(/^text/) as unknown })
    server.setColumnType('n', 'number')
    expect(send(writeText)).toEqual(['SCHEMA_VIOLATION'])
  })

  it("S201: a type changed by another writer's update applies to the next update", () => {
    const { server, writer, send, id, writeText } = setup()
    expect(send(writeText)).toEqual(['SCHEMA_VIOLATION'])
    expect(send((table) => table.setColumnType('n', 'string'))).toEqual([])
    expect(send(writeText)).toEqual([])
    expect(server.getRow(id)).toMatchObject({ n: expect.stringMatching(/^text/) as unknown })
    expect(send((table) => table.removeColumn('n'))).toEqual([])
    expect(send(writeText)).toEqual(['SCHEMA_VIOLATION'])
    expect(writer.getRow(id)).toEqual(server.getRow(id))
  })

  it('S201: a type change and a cell write in one update are judged together', () => {
    const { server, send, id, writeText } = setup()
    expect(send(writeText)).toEqual(['SCHEMA_VIOLATION'])
    const both = (table: Table) => {
      table.transact(() => {
        table.setColumnType('n', 'string')
        writeText(table)
      })
    }
    expect(send(both)).toEqual([])
    expect(server.getRow(id)).toMatchObject({ n: expect.stringMatching(/^text/) as unknown })
  })
})

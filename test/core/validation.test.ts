import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { createTable, type Table } from '../../src/index.js'
import { allPermissions, type TablePermissions } from '../../src/permissions.js'
import { applyChecked } from '../../src/validation.js'
import { writeRawOverride } from '../helpers/raw-cells.js'
import { clientPrefix } from '../../src/incarnation.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
]

/** A client replica and a server replica; `send` runs the client's edits through applyChecked. */
function setup(permissions: TablePermissions = allPermissions) {
  const server = createTable({ columns })
  const client = createTable({ doc: new Y.Doc() })
  Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(server.doc))
  Y.applyUpdate(server.doc, Y.encodeStateAsUpdate(client.doc))
  const broadcast: Uint8Array[] = []
  server.doc.on('update', (update: Uint8Array) => broadcast.push(update))
  const send = (edit: (table: Table) => void) => {
    const vector = Y.encodeStateVector(client.doc)
    edit(client)
    const result = applyChecked(
      server.doc,
      Y.encodeStateAsUpdate(client.doc, vector),
      'connection',
      permissions,
    )
    for (const update of broadcast.splice(0)) Y.applyUpdate(client.doc, update)
    return result
  }
  return { server, client, send, broadcast }
}

/** Writes a raw override as a foreign client would, bypassing the API's checks. */
const writeRaw = (table: Table, rowId: string, columnId: string, value: unknown) => {
  writeRawOverride(table.doc, rowId, columnId, value)
}

describe('server-side validation', () => {
  it('S30: a cell of the wrong type is corrected on every replica and reported', () => {
    const { server, client, send } = setup()
    const id = server.insertRow({ title: 'a' })
    Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(server.doc))
    const result = send((table) => {
      writeRaw(table, id, 'priority', '12')
      writeRaw(table, id, 'title', { not: 'a string' })
    })
    expect(result.violations.map((violation) => violation.code)).toEqual([
      'SCHEMA_VIOLATION',
      'SCHEMA_VIOLATION',
    ])
    expect(result.violations[0]!.message).toMatch(/expects a number/)
    expect(server.getRow(id)).toEqual({ id, title: null, priority: 12 })
    expect(client.getRow(id)).toEqual({ id, title: null, priority: 12 })
  })

  it('S30: a correction keeps the server replica clientID and reports the change as remote', () => {
    const { server, send } = setup()
    const clientId = server.doc.clientID
    const sources: string[] = []
    server.on('change', (change) => sources.push(change.source))
    send((table) => table.doc.getMap('rows').set('r', { i: 1, p: 'a0', c: { priority: 'x' } }))
    expect(server.doc.clientID).toBe(clientId)
    expect(sources).toEqual(['remote'])
  })

  it('S30: the update and its correction are stored and broadcast as one update', () => {
    const { server, send, broadcast } = setup()
    const updates: Uint8Array[] = []
    server.doc.on('update', (update: Uint8Array) => updates.push(update))
    send((table) => table.doc.getMap('rows').set('r', { i: 1, p: 'a0', c: { priority: 'x' } }))
    expect(updates).toHaveLength(1)
    expect(broadcast).toHaveLength(0)
    expect(server.getRow('r')).toEqual({ id: 'r', title: null, priority: null })
    expect((server.doc.getMap('rows').get('r') as { c: unknown }).c).toEqual({ priority: null })
  })

  it('S31: writes to removed or unknown columns and malformed values are dropped', () => {
    const { server, client, send } = setup()
    const id = server.insertRow({ title: 'a' })
    server.removeColumn('priority')
    Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(server.doc))
    const result = send((table) => {
      writeRaw(table, id, 'priority', 3)
      writeRaw(table, id, 'ghost', 3)
      table.doc.getMap('rows').set('bad', 'not a row')
      table.doc.getMap('cells').set(`${id}\u0000title`, 'not an override')
    })
    expect(result.violations).toHaveLength(4)
    const cells = server.doc.getMap('cells')
    expect([...cells.keys()]).toEqual([])
    expect(server.doc.getMap('rows').has('bad')).toBe(false)
    expect(client.getRow(id)).toEqual({ id, title: 'a' })
  })

  it('S83: a schema change without the admin permission is reverted field by field', () => {
    const { server, client, send } = setup({ ...allPermissions, canAdminister: false })
    const result = send((table) => {
      table.renameColumn('title', 'name')
      table.setColumnType('priority', 'string')
      table.addColumn({ name: 'extra', type: 'json' })
    })
    expect(result.violations.map((violation) => violation.code)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ])
    for (const table of [server, client]) {
      expect(table.columns().map((column) => [column.name, column.type])).toEqual([
        ['title', 'string'],
        ['priority', 'number'],
      ])
    }
  })

  it('S84: forbidden inserts are removed and forbidden deletes restored with their cells', () => {
    const { server, client, send } = setup({
      ...allPermissions,
      canInsertRows: false,
      canDeleteRows: false,
    })
    const [a, b] = server.insertRows([{ title: 'a' }, { title: 'b' }])
    server.setCell(a!, 'priority', 5)
    server.moveRow(a!, { after: b! })
    Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(server.doc))
    const result = send((table) => {
      table.insertRow({ title: 'new' })
      table.deleteRow(a!)
    })
    const messages = result.violations.map((violation) =>
      // A shape key is JSON-quoted and its writer's prefix may hold a quote (escaped).
      violation.message.replace(/^(row \S+|shape "(?:[^"\\]|\\.)*"): /, ''),
    )
    // S128: the shape the refused insert registered goes with it, S287: and its first values.
    expect(messages.sort()).toEqual([
      '1 value(s) put into the values array that no row of the same update names (or that are not plain values) were removed',
      'deleting rows needs the delete permission; it was restored',
      'inserting rows needs the insert permission; it was removed',
      'registering a shape needs the insert permission; it was removed',
    ])
    for (const table of [server, client]) {
      expect(table.listRows()).toEqual([
        { id: b, title: 'b', priority: 0 },
        { id: a, title: 'a', priority: 5 },
      ])
    }
  })

  it('S85: forbidden cell edits are put back to their previous values', () => {
    const { server, client, send } = setup({ ...allPermissions, canUpdateRows: false })
    const id = server.insertRow({ title: 'a' })
    server.setCell(id, 'priority', 1)
    Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(server.doc))
    const result = send((table) => {
      table.setCell(id, 'priority', 2)
      table.setCell(id, 'title', 'b')
    })
    expect(result.violations).toHaveLength(2)
    expect(client.getRow(id)).toEqual({ id, title: 'a', priority: 1 })
    expect(server.getRow(id)).toEqual({ id, title: 'a', priority: 1 })
  })

  it('S80: an update is judged by the values it leaves, however many times it wrote a key', () => {
    const { server, send } = setup({
      ...allPermissions,
      canUpdateRows: false,
      canDeleteRows: false,
    })
    const id = server.insertRow({ title: 'a' })
    const original: unknown = server.doc.getMap('rows').get(id)
    const result = send((table) => {
      const rows = table.doc.getMap('rows')
      // Written twice: only the last value counts (an insert); written and deleted: no change.
      rows.set('n', { i: 1, p: 'a5', c: { title: 'first' } })
      rows.set('n', { i: 2, p: 'a6', c: { title: 'second' } })
      rows.set('gone', { i: 3, p: 'a7', c: {} })
      rows.delete('gone')
      // Rewritten and then put back to its value: no change either.
      rows.set(id, { ...(original as object), p: 'zz' })
      rows.set(id, original)
    })
    expect(result.violations).toEqual([])
    expect(result.inserted).toEqual(['n'])
    expect(server.getRow('n')).toEqual({ id: 'n', title: 'second', priority: 0 })
    expect(server.getRow(id)).toEqual({ id, title: 'a', priority: 0 })
    expect(server.doc.getMap('rows').has('gone')).toBe(false)
  })

  it('reports what an accepted update did, for the audit log', () => {
    const { server, client, send } = setup()
    const id = server.insertRow({ title: 'a' })
    Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(server.doc))
    let added = ''
    const result = send((table) => {
      table.setCell(id, 'priority', 3)
      added = table.insertRow({ title: 'b' })
    })
    expect(result.violations).toEqual([])
    expect(result.inserted).toEqual([added])
    expect(result.updated).toEqual(new Map([[id, new Set(['priority'])]]))
    const removal = send((table) => table.deleteRow(id))
    expect(removal.deleted).toEqual([id])
  })

  it('tells when an update depends on changes the document lacks', () => {
    const server = createTable({ columns })
    const client = createTable({ doc: new Y.Doc() })
    Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(server.doc))
    const vector = Y.encodeStateVector(client.doc)
    client.insertRow({ title: 'x' })
    const update = Y.encodeStateAsUpdate(client.doc, vector)
    const result = applyChecked(server.doc, update, 'c', allPermissions)
    expect(result.isIncomplete).toBe(true)
    expect(server.size).toBe(0)
  })

  it('S19: a malformed position never breaks inserts next to it', () => {
    const table = createTable({ columns })
    table.doc.getMap('rows').set('weird', { i: 1, p: '!!', c: {} })
    const id = table.insertRow({ title: 'x' }, { after: 'weird' })
    expect(table.rowIds()).toEqual(['weird', id])
    expect(table.insertRow({ title: 'y' }, { before: 'weird' })).toBeTypeOf('string')
    expect(table.size).toBe(3)
  })

  it('S128: a shape is kept as first written: a change or delete is put back, a malformed one removed', () => {
    const { server, client, send } = setup()
    let id = ''
    expect(
      send((table) => (id = table.insertRow({ title: 'packed', priority: 2 }))).violations,
    ).toEqual([])
    expect(server.getRow(id)).toEqual({ id, title: 'packed', priority: 2 })
    const shapes = client.doc.getMap('shapes')
    const [key] = [...shapes.keys()]
    const changed = send(() => {
      shapes.set(key!, ['priority', 'title'])
      shapes.set('bogus', ['title', 'title'])
      // A shape under another writer's prefix (the server's own), which its next rows would use.
      shapes.set(clientPrefix(server.doc.clientID) + '0', ['title'])
    })
    expect(changed.violations.map((violation) => violation.message)).toEqual([
      expect.stringMatching(/is never changed or deleted; it was restored/),
      expect.stringMatching(/"bogus": not a list of distinct column ids under its writer/),
      expect.stringMatching(/not a list of distinct column ids under its writer's own prefix/),
    ])
    expect(server.doc.getMap('shapes').get(key!)).toEqual(['title', 'priority'])
    expect(server.doc.getMap('shapes').has('bogus')).toBe(false)
    const deleted = send(() => shapes.delete(key!))
    expect(deleted.violations.map((violation) => violation.code)).toEqual(['SCHEMA_VIOLATION'])
    expect(server.getRow(id)).toEqual({ id, title: 'packed', priority: 2 })
    expect(client.getRow(id)).toEqual({ id, title: 'packed', priority: 2 })
  })
})

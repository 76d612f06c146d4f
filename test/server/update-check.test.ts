// checkUpdate walks real Yjs updates exactly as Yjs decodes them, and refuses garbage within budget.
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { canIntegrate } from '../../server/incomplete.js'
import { checkUpdate } from '../../server/update-check.js'
import { createTable, isTesseraError } from '../../src/index.js'

const budget = { maxUpdateStructs: 1_000_000, maxValueDepth: 64 }

const deleteRanges = (update: Uint8Array): number =>
  [...Y.decodeUpdate(update).ds.clients.values()].reduce((sum, ranges) => sum + ranges.length, 0)

const codeOf = (update: Uint8Array, limits = budget): string | undefined => {
  try {
    checkUpdate(update, limits)
    return undefined
  } catch (error) {
    return isTesseraError(error) ? error.code : 'not a TesseraError'
  }
}

describe('checkUpdate', () => {
  it('counts the structs and delete ranges of every kind of content as Yjs does', () => {
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    const table = createTable({ doc, columns: [{ name: 'title', type: 'string' }] })
    for (let index = 0; index < 50; index++) table.insertRow({ title: 'x'.repeat(index) })
    for (const row of table.listRows().slice(0, 10)) table.deleteRow(row.id)
    doc.getText('t').insert(0, 'hello')
    doc.getText('t').format(0, 2, { bold: true })
    doc.getText('t').insertEmbed(1, { image: 'a.png' })
    doc.getXmlFragment('x').insert(0, [new Y.XmlElement('p'), new Y.XmlText('hi')])
    doc.getArray('a').insert(0, [1.5, null, true, { nested: [1, { deep: 'yes' }] }])
    doc.getArray('a').insert(0, [new Uint8Array([1, 2])])
    doc.getMap('m').set('sub', new Y.Doc())
    doc.getText('t').insert(0, 'a \u{1F600} b \u00e9')
    for (const update of [...updates, Y.encodeStateAsUpdate(doc), Y.mergeUpdates(updates)]) {
      const shape = checkUpdate(update, budget)
      expect(shape).toMatchObject({
        structs: Y.decodeUpdate(update).structs.length,
        deleteRanges: deleteRanges(update),
      })
      // The clocks each client's structs cover, as Yjs reads them (string lengths in UTF-16).
      const { from, to } = Y.parseUpdateMeta(update)
      expect(new Map([...shape.clients].map(([client, range]) => [client, range.from]))).toEqual(
        from,
      )
      expect(new Map([...shape.clients].map(([client, range]) => [client, range.to]))).toEqual(to)
    }
  })

  it('finds what an update depends on, so a partial-rights update is applied whole or not at all (S34)', () => {
    const base = new Y.Doc()
    base.getMap('m').set('a', 1)
    const server = new Y.Doc()
    Y.applyUpdate(server, Y.encodeStateAsUpdate(base))
    const writer = new Y.Doc()
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(base))
    const updates: Uint8Array[] = []
    writer.on('update', (update: Uint8Array) => updates.push(update))
    writer.getMap('m').set('b', 2)
    writer.getMap('m').set('a', 3)
    writer.getMap('m').set('c', 5)
    writer.getMap('m').delete('b')
    const [first, second, third, fourth] = updates as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ]
    const fits = (update: Uint8Array) => canIntegrate(server, checkUpdate(update, budget))
    expect(fits(first)).toBe(true)
    // A gap in the writer's own clocks, a skipped range, a deletion of an item the server lacks.
    expect(fits(second)).toBe(false)
    expect(fits(Y.mergeUpdates([first, third]))).toBe(false)
    expect(fits(fourth)).toBe(false)
    expect(fits(Y.mergeUpdates([first, second, third, fourth]))).toBe(true)
    expect(fits(Y.mergeUpdates([first, fourth]))).toBe(true)
    // Another client's change on top of the writer's: it refers to the writer's items.
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(writer))
    let onTop: Uint8Array | undefined
    other.once('update', (update: Uint8Array) => (onTop = update))
    other.getMap('m').set('a', 4)
    expect(fits(onTop!)).toBe(false)
    Y.applyUpdate(server, Y.encodeStateAsUpdate(writer))
    expect(fits(onTop!)).toBe(true)
  })

  it('refuses truncated updates, trailing bytes and counts larger than the bytes left', () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('k', 'value')
    const update = Y.encodeStateAsUpdate(doc)
    for (let length = 0; length < update.byteLength; length++) {
      expect(codeOf(update.subarray(0, length))).toBe('PROTOCOL_ERROR')
    }
    expect(codeOf(new Uint8Array([...update, 0]))).toBe('PROTOCOL_ERROR')
    expect(codeOf(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0]))).toBe('PROTOCOL_ERROR')
  })

  it('refuses values nested deeper than maxValueDepth and updates over maxUpdateStructs', () => {
    const doc = new Y.Doc()
    let value: unknown = 'leaf'
    for (let depth = 0; depth < 100; depth++) value = [value]
    doc.getArray('a').insert(0, [value])
    expect(codeOf(Y.encodeStateAsUpdate(doc))).toBe('PROTOCOL_ERROR')
    const many = new Y.Doc()
    for (let index = 0; index < 100; index++) many.getMap('m').set(`k${index}`, index)
    expect(codeOf(Y.encodeStateAsUpdate(many), { ...budget, maxUpdateStructs: 50 })).toBe(
      'MESSAGE_TOO_LARGE',
    )
  })
})

// checkUpdate walks real Yjs updates exactly as Yjs decodes them, and refuses garbage within budget.
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
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
    for (const update of [...updates, Y.encodeStateAsUpdate(doc), Y.mergeUpdates(updates)]) {
      expect(checkUpdate(update, budget)).toEqual({
        structs: Y.decodeUpdate(update).structs.length,
        deleteRanges: deleteRanges(update),
      })
    }
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

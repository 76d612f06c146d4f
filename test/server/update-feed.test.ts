// S225: a room's feed of its doc's updates: a transaction marked as received is fed the bytes it
// was given instead of Yjs's encoding; every other transaction, nested ones included, is fed as
// Yjs encodes it, in order, and other listeners of the doc see every update.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { feedUpdates } from '../../server/update-feed.js'

/** A doc with a feed that records what it is fed. */
function fed() {
  const doc = new Y.Doc()
  const updates: { update: Uint8Array; origin: unknown }[] = []
  const feed = feedUpdates(doc, (update, origin) => updates.push({ update, origin }))
  return { doc, updates, feed }
}

/** An update made on another doc: one map entry. */
function remoteUpdate(key: string, value: number): Uint8Array {
  const other = new Y.Doc()
  other.getMap('m').set(key, value)
  return Y.encodeStateAsUpdate(other)
}

describe('S225: the room feed', () => {
  it('S225: a received transaction is fed its own bytes, the next one Yjs’s encoding', () => {
    const { doc, updates, feed } = fed()
    const received = remoteUpdate('a', 1)
    doc.transact((transaction) => {
      Y.applyUpdate(doc, received)
      feed.asReceived(transaction, received)
    }, 'peer')
    expect(updates).toEqual([{ update: received, origin: 'peer' }])
    // A copy: the caller's bytes may be a view into a socket's buffer.
    expect(updates[0]!.update).not.toBe(received)
    doc.getMap('m').set('b', 2)
    expect(updates).toHaveLength(2)
    const copy = new Y.Doc()
    for (const { update } of updates) Y.applyUpdate(copy, update)
    expect(copy.getMap('m').toJSON()).toEqual({ a: 1, b: 2 })
  })

  it('S225: a transaction made by an observer of a received one is fed after it', () => {
    const { doc, updates, feed } = fed()
    const map = doc.getMap<number>('m')
    map.observe((event) => {
      if (event.keysChanged.has('a')) map.set('echo', 1)
    })
    const received = remoteUpdate('a', 1)
    doc.transact((transaction) => {
      Y.applyUpdate(doc, received)
      feed.asReceived(transaction, received)
    })
    expect(updates).toHaveLength(2)
    expect(updates[0]!.update).toEqual(received)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, updates[1]!.update)
    expect(copy.getMap('m').toJSON()).toEqual({ echo: 1 })
  })

  it('S225: with another update listener, both see every update, the feed first', () => {
    const { doc, updates, feed } = fed()
    const seen: string[] = []
    doc.on('update', () => seen.push(`other after ${updates.length}`))
    for (const [index, key] of ['a', 'b'].entries()) {
      const received = remoteUpdate(key, index)
      doc.transact((transaction) => {
        Y.applyUpdate(doc, received)
        feed.asReceived(transaction, received)
      })
    }
    doc.getMap('m').set('c', 3)
    expect(updates).toHaveLength(3)
    expect(seen).toEqual(['other after 1', 'other after 2', 'other after 3'])
  })

  it('S225: a listener added after a received transaction still comes after the feed', () => {
    const { doc, updates, feed } = fed()
    const received = remoteUpdate('a', 1)
    doc.transact((transaction) => {
      Y.applyUpdate(doc, received)
      feed.asReceived(transaction, received)
    })
    const seen: number[] = []
    doc.on('update', () => seen.push(updates.length))
    doc.getMap('m').set('b', 2)
    expect(seen).toEqual([2])
  })
})

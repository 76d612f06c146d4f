// The room doc's allocation-free emit (server/doc-emit.ts) calls listeners as lib0's does.
import * as Y from 'yjs'
import { expect, it } from 'vitest'
import { emitWithoutCopies } from '../../server/doc-emit.js'

/** What each listener of one doc heard, for one script of edits and subscriptions. */
function heard(isReplaced: boolean): string[] {
  const doc = new Y.Doc()
  if (isReplaced) emitWithoutCopies(doc)
  const log: string[] = []
  const late = (): void => {
    log.push('late')
  }
  const second = (): void => {
    log.push('second')
  }
  doc.on('afterTransaction', () => {
    log.push('first')
    // Added while the event runs: not called for this event, called for the next.
    doc.on('afterTransaction', late)
    // Removed while the event runs: lib0 still calls it for this event.
    doc.off('afterTransaction', second)
  })
  doc.on('afterTransaction', second)
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    log.push(`update ${String(update instanceof Uint8Array)} ${String(origin)}`)
  })
  doc.getMap('m').set('a', 1)
  doc.transact(() => doc.getMap('m').set('b', 2), 'origin')
  doc.destroy()
  doc.getMap('m').set('c', 3)
  return log
}

it('calls the same listeners, in the same order, with the same arguments as lib0', () => {
  expect(heard(true)).toEqual(heard(false))
  expect(heard(true)).toEqual([
    'first',
    'second',
    'update true null',
    'first',
    'late',
    'update true origin',
  ])
})

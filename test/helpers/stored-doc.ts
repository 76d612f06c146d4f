// A table as a store holds it now: its snapshot, then its log, applied to a fresh Y.Doc.
import * as Y from 'yjs'
import { applySnapshot, type Store } from '../../src/index.js'

/** The doc `store` holds for `table` (its snapshot plus every logged update). */
export async function storedDoc(store: Store, table: string): Promise<Y.Doc> {
  const stored = await store.load(table)
  const doc = new Y.Doc()
  if (stored.snapshot !== undefined) applySnapshot(doc, stored.snapshot)
  for (const update of stored.updates) Y.applyUpdate(doc, update)
  return doc
}

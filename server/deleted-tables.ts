// How a room stays within the life of its table (S210): its writes carry the generation it was
// loaded at, so the store refuses them once the table was deleted (here or on another node), and
// a deleted table's room closes its connections with 4404 without storing anything more.
import type { Store } from '../src/index.js'
import { CloseCode } from '../src/internal.js'
import type { Room } from './room.js'

/**
 * `store` for one room of a table loaded at `generation`: its appends and compactions (the only
 * writes a room makes) are refused with TABLE_NOT_FOUND once the table was deleted (S210).
 */
export function storeOfGeneration(store: Store, generation: number | undefined): Store {
  if (generation === undefined) return store
  return Object.assign(Object.create(store) as Store, {
    append: ((table, updates, options) =>
      store.append(table, updates, { ...options, generation })) satisfies Store['append'],
    compact: ((table, snapshot, seq, options) =>
      store.compact(table, snapshot, seq, { ...options, generation })) satisfies Store['compact'],
  })
}

/**
 * Closes a deleted table's room (S117, S210): its connections with 4404 (clients stop
 * reconnecting), then frees it, without compacting, once what was applied before settled (it
 * lands before the deletion, or the store refuses it). Freeing the doc ends its live query
 * streams with TABLE_NOT_FOUND (http/query-routes.ts).
 */
export async function discardDeleted(room: Room): Promise<void> {
  const reason = `table "${room.name}" was deleted`
  for (const peer of [...room.peers]) peer.close(CloseCode.TableNotFound, reason)
  await room.flushed().catch(() => undefined)
  room.discard()
}

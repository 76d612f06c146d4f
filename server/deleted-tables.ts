// How a room stays within the life of its table (S210): its writes carry the generation it was
// loaded at, so the store refuses them once the table was deleted (here or on another node), and
// a deleted table's room closes its connections with 4404 without storing anything more. A
// deletion keeps the state vector of what it deleted, so no copy of it comes back (S235).
import * as Y from 'yjs'
import { applySnapshot, TesseraError, type Store } from '../src/index.js'
import { CloseCode } from '../src/internal.js'
import type { Room } from './room.js'

/** S235: per room, the clock each client had reached in the table's deleted generations. */
const deletedClocks = new WeakMap<Room, Map<number, number>>()

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

/** The highest clock of each client in `into` and `from`, kept in `into`. */
function mergeClocks(into: Map<number, number>, from: Map<number, number>): void {
  for (const [client, clock] of from) into.set(client, Math.max(clock, into.get(client) ?? 0))
}

/**
 * S235: what a deletion of `table` keeps in the store: the state vector of everything its stored
 * generations held (the current one and those deleted before), waiting content included.
 * Undefined when the table never held anything.
 */
async function deletedStateOf(store: Store, table: string): Promise<Uint8Array | undefined> {
  const stored = await store.load(table)
  const clocks = new Map<number, number>()
  if (stored.deletedState !== undefined)
    mergeClocks(clocks, Y.decodeStateVector(stored.deletedState))
  const doc = new Y.Doc()
  try {
    if (stored.snapshot !== undefined) applySnapshot(doc, stored.snapshot)
    mergeClocks(clocks, Y.decodeStateVector(Y.encodeStateVector(doc)))
  } finally {
    doc.destroy()
  }
  // Log entries are read by their extent, so content still waiting for a dependency counts too.
  for (const update of stored.updates) mergeClocks(clocks, Y.parseUpdateMeta(update).to)
  return clocks.size === 0 ? undefined : Y.encodeStateVector(clocks)
}

/**
 * Deletes what the store holds of `table` (S117), keeping the state vector of what it held
 * (S235); resolves to false when it held nothing.
 */
export async function deleteStored(store: Store, table: string): Promise<boolean> {
  const deletedState = await deletedStateOf(store, table)
  return store.delete(table, deletedState === undefined ? {} : { deletedState })
}

/** S235: `room` was loaded with `deletedState` (from the store): its writers are checked against it. */
export function rememberDeleted(room: Room, deletedState: Uint8Array | undefined): void {
  if (deletedState === undefined) return
  const clocks = Y.decodeStateVector(deletedState)
  if (clocks.size > 0) deletedClocks.set(room, clocks)
}

/**
 * S235: refuses an update that carries content of a deleted generation of `room`'s table (a
 * client that still holds a copy of it), so a deleted table never comes back from a copy and a
 * table created again never takes the old rows in. Call it once the update's shape was checked.
 * @throws TABLE_NOT_FOUND for such an update (the connection closes with 4404)
 */
export function refuseDeletedItems(room: Room, update: Uint8Array): void {
  const clocks = deletedClocks.get(room)
  if (clocks === undefined) return
  for (const [client, clock] of Y.parseUpdateMeta(update).from) {
    if (clock >= (clocks.get(client) ?? 0)) continue
    throw new TesseraError(
      'TABLE_NOT_FOUND',
      `table "${room.name}" was deleted and this copy holds its old content; to create the table again, start from a new, empty copy (docs/operations.md, "Deleting a table")`,
    )
  }
}

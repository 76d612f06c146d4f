// Loads a table from the store into a new room: follows it on the other nodes first (S91),
// applies the snapshot and the log, and keeps a v1 snapshot as the joiners' shared encoding (S125).
import * as Y from 'yjs'
import { applySnapshot, TesseraError } from '../src/index.js'
import { isV1Snapshot } from '../src/internal.js'
import { rememberDeleted, storeOfGeneration } from './deleted-tables.js'
import { createJoinState, type JoinState } from './join-state.js'
import { createRoom, loading, type Room, type RoomContext } from './room.js'

/**
 * Loads a table from the store into a new room.
 * @throws STORAGE_FAILURE when the store fails or holds bytes that are not Yjs updates
 */
export async function loadRoom(name: string, context: RoomContext): Promise<Room> {
  // Followed before the load, so nothing another node commits meanwhile is missed (S91).
  const follower = await context.cluster?.follow(name)
  let stored
  try {
    stored = await context.store.load(name)
  } catch (error) {
    follower?.cancel()
    throw error
  }
  const doc = new Y.Doc()
  const joinOptions =
    context.joinSliceBytes === undefined ? {} : { sliceBytes: context.joinSliceBytes }
  let joins: JoinState | undefined
  try {
    doc.transact(() => {
      if (stored.snapshot !== undefined) {
        applySnapshot(doc, stored.snapshot, loading)
        // A snapshot in update format v1 is already the encoding joiners need: it is shared, the
        // log follows it. One in format v2 (S205) is not: the wire stays v1, so the first joiner
        // that needs the whole state has it encoded from the doc.
        if (isV1Snapshot(stored.snapshot)) {
          const stateVector = Y.decodeStateVector(Y.encodeStateVector(doc))
          joins = createJoinState(
            doc,
            { state: stored.snapshot, stateVector, updates: stored.updates },
            joinOptions,
          )
        }
      }
      for (const update of stored.updates) Y.applyUpdate(doc, update, loading)
    }, loading)
  } catch (cause) {
    doc.destroy()
    follower?.cancel()
    throw new TesseraError(
      'STORAGE_FAILURE',
      `table "${name}": the stored bytes are not valid Yjs updates; restore the database from a backup`,
      { cause },
    )
  }
  // S210: the room writes within the life of the table it loaded.
  const room = createRoom(
    name,
    doc,
    { ...context, store: storeOfGeneration(context.store, stored.generation) },
    joins ?? createJoinState(doc, undefined, joinOptions),
    {
      count: stored.updates.length,
      bytes: stored.updateBytes,
      isEmpty: stored.snapshot === undefined && stored.updates.length === 0,
      atMs: stored.atMs,
      seq: stored.seq,
    },
    stored.generation,
  )
  rememberDeleted(room, stored.deletedState)
  if (follower !== undefined) room.link = follower.start(room, stored.seq)
  return room
}

// Brings the local copy back to the server's state after the server dropped this client's
// updates (docs/semantics.md S59): a shadow doc holds exactly what the server sent, and every
// key where the local copy differs is overwritten from it in one local, unsent transaction.
import * as Y from 'yjs'
import { encodeSyncStep1, remoteContent } from '../src/internal.js'

/** The revert machinery of one connection (called by connect-table.ts). */
export interface Reverter {
  /** Every sync message from the server (step 0: its state vector; 1, 2: content). */
  onServerSync(step: number, payload: Uint8Array): void
  /** The server refused an update of this connection and keeps nothing of it. */
  onRefused(notice: string): void
  /** The connection closed: the shadow may miss what comes next, so it is dropped. */
  reset(): void
}

const topMaps = ['meta', 'rows', 'cells', 'o', 'shapes'] as const
const allKeys = (a: { keys(): Iterable<string> }, b: { keys(): Iterable<string> }): Set<string> =>
  new Set([...a.keys(), ...b.keys()])
const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(a instanceof Y.AbstractType ? a.toJSON() : a) ===
  JSON.stringify(b instanceof Y.AbstractType ? b.toJSON() : b)

/**
 * @param origin the origin of the revert transactions: the provider's own, so it does not send
 *   them (the server would refuse them again)
 * @param onReverted after the first revert that follows a refusal: how many rows, cells and
 *   columns it changed (0 when the refused update changed nothing visible) and the notice
 */
export function createReverter(
  doc: Y.Doc,
  origin: unknown,
  send: (bytes: Uint8Array) => boolean,
  onReverted: (count: number, notice: string) => void,
): Reverter {
  let shadow: Y.Doc | undefined
  let refusal: string | undefined
  let serverVector = new Map<number, number>()
  /** False until a full pass has run on a ready shadow; then only changed keys are compared. */
  let isSettled = false
  /** The top-level keys the server changed since the last pass. */
  let changed = new Map<string, Set<string>>()
  const onShadowChange = (transaction: Y.Transaction): void => {
    for (const [type, keys] of transaction.changed) {
      const name = topMaps.find((map) => (transaction.doc.getMap(map) as unknown) === type)
      if (name === undefined) continue
      let set = changed.get(name)
      if (set === undefined) changed.set(name, (set = new Set()))
      for (const key of keys) if (key !== null) set.add(key)
    }
  }
  const pass = (server: Y.Doc): void => {
    if (!isReady(server)) return
    const keys = changed
    changed = new Map()
    reconcile(server, isSettled ? keys : undefined)
    isSettled = true
  }

  /** The shadow holds at least what the server had when it greeted this connection. */
  const isReady = (doc: Y.Doc): boolean => {
    for (const [client, clock] of serverVector)
      if (Y.getState(doc.store, client) < clock) return false
    return true
  }

  /**
   * Overwrites the local keys that differ from the server's: all of them, or only `keys` (per
   * map) once a full pass has run. Columns are few and always compared.
   */
  const reconcile = (server: Y.Doc, keys?: ReadonlyMap<string, Set<string>>): void => {
    let count = 0
    doc.transact((transaction) => {
      transaction.meta.set(remoteContent, true)
      for (const name of topMaps) {
        const local = doc.getMap(name)
        const theirs = server.getMap(name)
        const candidates = keys?.get(name) ?? (keys === undefined ? allKeys(local, theirs) : [])
        for (const key of candidates) {
          if (local.has(key) === theirs.has(key) && same(local.get(key), theirs.get(key))) continue
          // Metadata (format version, name) that every fresh replica writes is not a user change.
          if (name !== 'meta') count++
          if (theirs.has(key)) local.set(key, structuredClone(theirs.get(key)))
          else local.delete(key)
        }
      }
      const local = doc.getMap<Y.Map<unknown>>('columns')
      const theirs = server.getMap<Y.Map<unknown>>('columns')
      for (const key of allKeys(local, theirs)) {
        const column = theirs.get(key)
        if (local.has(key) === theirs.has(key) && same(local.get(key), column)) continue
        count++
        if (column === undefined) local.delete(key)
        else {
          const copy = new Y.Map<unknown>()
          for (const [field, value] of column) copy.set(field, structuredClone(value))
          local.set(key, copy)
        }
      }
    }, origin)
    if (refusal === undefined) return
    const notice = refusal
    refusal = undefined
    onReverted(count, notice)
  }

  return {
    onServerSync(step, payload) {
      if (step === 0) {
        serverVector = Y.decodeStateVector(payload)
        return
      }
      if (shadow === undefined) return
      Y.applyUpdate(shadow, payload)
      // Other replicas' edits keep arriving; a refused key must not hide them (S59).
      pass(shadow)
    },
    onRefused(notice) {
      refusal = notice
      if (shadow !== undefined) {
        // Where the refused change was is unknown: compare everything once more.
        isSettled = false
        pass(shadow)
        return
      }
      shadow = new Y.Doc()
      shadow.on('afterTransaction', onShadowChange)
      // Sync step 1 with an empty state vector: the server answers with its whole state.
      if (!send(encodeSyncStep1(shadow))) {
        shadow = undefined
        refusal = undefined
      }
    },
    reset() {
      shadow?.destroy()
      shadow = undefined
      isSettled = false
      changed = new Map()
    },
  }
}

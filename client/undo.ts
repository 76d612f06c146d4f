// Undo and redo of this client's own edits only (S44): a Yjs UndoManager that tracks the table's
// own transaction origin, so remote edits, loads from storage and sync are never undone.
import * as Y from 'yjs'
import type { Table } from '../src/index.js'
import { createEmitter } from './emitter.js'

/** Undo/redo of the local user's edits to one table. */
export interface Undo {
  /** Reverts this client's last edit (one table call or `transact`); false when there is none. */
  undo(): boolean
  redo(): boolean
  readonly canUndo: boolean
  readonly canRedo: boolean
  /** Called when `canUndo` or `canRedo` may have changed. */
  on(event: 'change', handler: () => void): () => void
  destroy(): void
}

export interface UndoOptions {
  /** Edits closer together than this are undone as one step. Default 0: every edit is a step. */
  captureTimeoutMs?: number
}

export function createUndo(
  table: Table,
  options: UndoOptions,
  onError: (error: unknown) => void,
): Undo {
  // The whole doc is in scope; trackedOrigins is what keeps the undo to this client's edits.
  const manager = new Y.UndoManager(table.doc, {
    trackedOrigins: new Set([table.origin]),
    captureTimeout: options.captureTimeoutMs ?? 0,
  })
  const emitter = createEmitter<{ change: () => void }>(onError)
  const changed = (): void => {
    emitter.emit('change')
  }
  for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const)
    manager.on(event, changed)
  return {
    undo: () => manager.undo() !== null,
    redo: () => manager.redo() !== null,
    get canUndo() {
      return manager.canUndo()
    },
    get canRedo() {
      return manager.canRedo()
    },
    on: (event, handler) => emitter.on(event, handler),
    destroy() {
      manager.destroy()
      emitter.clear()
    },
  }
}

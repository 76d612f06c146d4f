// Undo and redo of this client's own edits only (S44): a Yjs UndoManager that tracks the table's
// own transaction origin, so remote edits, loads from storage and sync are never undone. Each
// step also records the values it took away, and its undo writes back those that Yjs could not
// restore (S275, S276: the server's reclaim deletes what the UndoManager would need).
import * as Y from 'yjs'
import type { Table } from '../src/index.js'
import { recordStep, tableMaps, writeBack, type RecordedStep } from '../src/internal.js'
import { createEmitter } from './emitter.js'
import { createRestoredRows } from './undo-watch.js'

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

/** The key of a stack item's `meta` under which its recorded values are kept (S276). */
const recorded = Symbol('tessera.undoValues')

export function createUndo(
  table: Table,
  options: UndoOptions,
  onError: (error: unknown) => void,
): Undo {
  const { doc } = table
  const maps = tableMaps(doc)
  // Registered before the manager's own handler, so the transaction a stack item is made of is
  // known when the manager announces the item (both run in 'afterTransaction', in order).
  let last: Y.Transaction | undefined
  const remember = (transaction: Y.Transaction): void => {
    last = transaction
  }
  // Not kept past its cleanup: a bulk insert's transaction holds every key it wrote.
  const forget = (): void => {
    last = undefined
  }
  doc.on('afterTransaction', remember)
  doc.on('afterTransactionCleanup', forget)
  /** True while undo or redo runs a transaction that popped nothing (it must not be a step). */
  let isIdle = false
  // The whole doc is in scope; trackedOrigins is what keeps the undo to this client's edits.
  const manager = new Y.UndoManager(doc, {
    trackedOrigins: new Set([table.origin]),
    captureTimeout: options.captureTimeoutMs ?? 0,
    captureTransaction: () => !isIdle,
    // S128: a shape is written once and never deleted (the server would put it back with a
    // SCHEMA_VIOLATION notice); undoing the insert that registered it leaves it. S284: so are a
    // format 3 row's first values: a redo brings back the row value, which names them by id.
    deleteFilter: (item) =>
      item.parent !== (maps.shapes as unknown) && item.parent !== (maps.values as unknown),
  })
  // S277: rows an undo or redo brought back, checked again when late changes to them arrive.
  const restoredRows = createRestoredRows(table, { undoWriteBack: table.origin })
  const emitter = createEmitter<{ change: () => void }>(onError)
  let isRunning = false
  let hasChanged = false
  const changed = (): void => {
    if (isRunning) hasChanged = true
    else emitter.emit('change')
  }
  const record = (event: { stackItem: Y.UndoManager['undoStack'][number] }): void => {
    if (last === undefined) return
    const { meta } = event.stackItem
    let step = meta.get(recorded) as RecordedStep | undefined
    if (step === undefined) meta.set(recorded, (step = new Map()))
    recordStep(maps, table.columns(), last, step)
  }
  manager.on('stack-item-added', record)
  manager.on('stack-item-updated', record)
  for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const)
    manager.on(event, changed)

  /**
   * Runs the manager's undo or redo inside a transaction of our own with the manager as origin,
   * and writes back the popped step's values in it: one transaction, one change (source
   * `undo`), and the manager files it on the other stack with the write-back in it, so redo
   * (and undo of the redo) restore it too.
   */
  const run = (isUndo: boolean): boolean => {
    let popped: Y.UndoManager['undoStack'][number] | null = null
    let fromClock = 0
    let restored: ReturnType<typeof writeBack> = []
    isRunning = true
    try {
      doc.transact((transaction) => {
        fromClock = transaction.beforeState.get(doc.clientID) ?? 0
        popped = isUndo ? manager.undo() : manager.redo()
        const step = popped?.meta.get(recorded) as RecordedStep | undefined
        if (step !== undefined)
          restored = writeBack(maps, table.columns(), step, transaction, popped!.deletions)
        // undo() and redo() have returned, but this transaction ends only now: the manager
        // must still take it for its own undo or redo (not a new edit that clears the redo
        // stack), and not at all when nothing was popped.
        if (popped === null) isIdle = true
        else if (isUndo) manager.undoing = true
        else manager.redoing = true
      }, manager)
    } finally {
      manager.undoing = false
      manager.redoing = false
      isIdle = false
      isRunning = false
    }
    restoredRows.add(restored, fromClock)
    if (hasChanged) {
      hasChanged = false
      emitter.emit('change')
    }
    return popped !== null
  }

  return {
    undo: () => run(true),
    redo: () => run(false),
    get canUndo() {
      return manager.canUndo()
    },
    get canRedo() {
      return manager.canRedo()
    },
    on: (event, handler) => emitter.on(event, handler),
    destroy() {
      manager.destroy()
      restoredRows.destroy()
      doc.off('afterTransaction', remember)
      doc.off('afterTransactionCleanup', forget)
      emitter.clear()
    },
  }
}

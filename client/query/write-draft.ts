// The draft of a window client's write (window-writes.ts): the map sets and deletes of one Yjs
// update, numbered as client `client`'s next items, and the row edits they make; committed as one
// update when the outermost write ends.
import type { CellValue } from '../../src/index.js'
import {
  encodeMapUpdate,
  overrideSet,
  type ItemId,
  type MapSet,
  type WritableRow,
} from '../../src/internal.js'
import type { PendingEdit, RowEdit } from './pending-edits.js'

/** The open write: what its update sets and deletes, and the edits it makes. */
export interface Draft {
  sets: MapSet[]
  deletes: ItemId[]
  edits: RowEdit[]
}

/** Opens drafts and commits them. */
export interface DraftWriter {
  /** The open draft's edits as a pending edit (none when no write is open). */
  readonly pending: () => PendingEdit[]
  /** Runs `run` on the open draft, or on a new one that is committed after it (when not empty). */
  readonly edit: <T>(run: (open: Draft) => T) => T
  /** Adds a set as the next item of the open draft; returns that item's id. */
  readonly set: (open: Draft, write: MapSet) => ItemId
  /** Adds overrides of `row`'s cells (keyed by column id), deleting the items they replace. */
  readonly writeCells: (open: Draft, row: WritableRow, cells: Record<string, CellValue>) => void
}

/** Drafts of Yjs client `client` (its clock starts at 0), handed to `commit` as one update each. */
export function createDraftWriter(
  client: number,
  commit: (update: Uint8Array, edits: RowEdit[]) => void,
): DraftWriter {
  let clock = 0
  let draft: Draft | undefined
  const set = (open: Draft, write: MapSet): ItemId => {
    const item = { client, clock: clock + open.sets.length }
    open.sets.push(write)
    return item
  }
  return {
    pending: () =>
      draft === undefined ? [] : [{ seq: 0, update: new Uint8Array(), edits: draft.edits }],
    edit: (run) => {
      if (draft !== undefined) return run(draft)
      const open: Draft = (draft = { sets: [], deletes: [], edits: [] })
      try {
        const result = run(open)
        if (open.sets.length > 0 || open.deletes.length > 0) {
          commit(encodeMapUpdate(client, clock, open.sets, open.deletes), open.edits)
          clock += open.sets.length
        }
        return result
      } finally {
        draft = undefined
      }
    },
    set,
    writeCells: (open, row, cells) => {
      const items: Record<string, ItemId> = {}
      for (const [column, value] of Object.entries(cells)) {
        const write = overrideSet(row, column, value)
        const replaced = row.keys.get(column)
        if (replaced?.isAlive === true) open.deletes.push(replaced.item)
        items[column] = set(open, write)
      }
      open.edits.push({ kind: 'cells', id: row.id, cells, items })
    },
  }
}

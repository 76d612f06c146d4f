// How new rows and cell writes reach the doc, shared by the single-row writes (row-writes.ts)
// and the batch insert (row-batch.ts): a new row is one packed value, a cell write an override
// of the row's life (docs/architecture.md, "Layout").
import * as Y from 'yjs'
import type { Columns } from './columns.js'
import type { RowId } from './ids.js'
import { incarnationsOf } from './incarnation.js'
import { firstCell, formatVersion, type TableMaps } from './layout.js'
import type { CellLayout, PreparedCells } from './row-cells.js'
import type { RowPlacement } from './row-placement.js'
import type { RowState, RowStates } from './row-state.js'
import type { Position } from './row-order.js'
import type { CellValue } from './schema.js'
import { writeOverride } from './stored-row.js'
import type { WriteKind } from './table-api.js'

/** The parts of a table its row writes use. */
export interface RowWriteContext {
  readonly maps: TableMaps
  readonly columns: Columns
  readonly states: RowStates
  readonly placement: RowPlacement
  /** Runs the write guard. @throws FORBIDDEN */
  check(kind: WriteKind, where: string): void
  /** Runs `run` in one transaction with the table's origin. */
  edit<T>(run: () => T): T
}

/** Writes `prepared`'s cells of a live row as overrides of its life. */
export function writeCells(
  context: RowWriteContext,
  state: RowState,
  prepared: PreparedCells,
): void {
  const { ids } = prepared.layout
  context.states.markOverridden(state)
  for (let index = 0; index < ids.length; index++)
    writeOverride(context.maps, state, ids[index]!, prepared.values[firstCell + index])
}

/**
 * Writes new rows in the current transaction, each as one packed value: its layout's shape
 * (registered once per layout), its incarnation (the id Yjs gives the value's item), its
 * position and its cells. The first packed row of a format 1 table raises its format version.
 */
export function createPacker(
  context: RowWriteContext,
): (
  id: RowId,
  cells: CellLayout,
  values: readonly CellValue[],
  position: Position,
  isRecordedLater?: boolean,
) => void {
  const { maps, states } = context
  const doc = maps.rows.doc!
  const client = doc.clientID
  const incarnationAt = incarnationsOf(client)
  if (maps.meta.get('formatVersion') !== formatVersion)
    maps.meta.set('formatVersion', formatVersion)
  let layout: CellLayout | undefined
  let shape = -1
  return (id, cells, values, position, isRecordedLater = false) => {
    if (cells !== layout || shape < 0) {
      layout = cells
      shape = states.shapes.numberFor(client, layout.ids)
    }
    // The next clock of this client is the one Yjs gives the item that stores the row.
    const inc = incarnationAt(Y.getState(doc.store, client))
    // The prepared values leave the first slots free: they become the packed row.
    const packed = values as unknown[]
    packed[0] = shape
    packed[1] = inc
    packed[2] = position
    maps.rows.set(id, packed)
    if (!isRecordedLater) states.addLocal(id, packed)
  }
}

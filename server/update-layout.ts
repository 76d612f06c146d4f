// Where the parts of a v1 update are, for joining one writer's consecutive updates into one log
// entry without decoding them (update-runs.ts). Reads updates this server accepted already.
import { Reader, skipStruct, type UpdateBudget } from './update-check.js'

/** Where the parts are of a v1 update whose structs (if any) are one client's, without gaps. */
export interface UpdateLayout {
  /** The client of the structs, and their clocks; undefined when there are none. */
  structs: { client: number; from: number; to: number; count: number } | undefined
  /** The byte range of the structs themselves (after their header). */
  structBytes: [number, number]
  /** How many client entries the delete set has, and where they start (after that count). */
  deleteClients: number
  deleteBytesAt: number
}

const unbounded: UpdateBudget = { maxUpdateStructs: Infinity, maxValueDepth: Infinity }

/**
 * The layout of an update (one Yjs or this server made: it is not checked against a budget),
 * or undefined when its structs belong to several clients or skip a range.
 */
export function layoutOf(update: Uint8Array): UpdateLayout | undefined {
  const reader = new Reader(update, unbounded)
  const sections = reader.varUint()
  if (sections > 1) return undefined
  let structs: UpdateLayout['structs']
  let structBytes: [number, number] = [reader.pos, reader.pos]
  if (sections === 1) {
    const count = reader.varUint()
    const client = reader.varUint()
    const from = reader.varUint()
    const start = reader.pos
    let to = from
    for (let index = 0; index < count; index++) {
      const { length, isSkip } = skipStruct(reader)
      if (isSkip) return undefined
      to += length
    }
    structs = { client, from, to, count }
    structBytes = [start, reader.pos]
  }
  const deleteClients = reader.varUint()
  return { structs, structBytes, deleteClients, deleteBytesAt: reader.pos }
}

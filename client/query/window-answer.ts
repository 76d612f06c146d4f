// The server's answer for one window as a window client keeps it: the last schema, head and rows,
// updated by each window message (docs/protocol.md §8). Pure state; knows no socket.
import { TesseraError } from '../../src/index.js'
import type { WindowColumn, WireMessage } from '../../src/internal.js'
import type { WindowAnswer } from './window-view.js'

/** The window messages that change an answer. */
export type AnswerMessage = Extract<WireMessage, { type: 'window-rows' | 'window-diff' }>

/**
 * The answer after `message`, given the columns of the last schema message. A diff names the
 * window's rows in order when they changed (else the order stays) and carries only the rows new
 * to the window or changed; every other row is the one the answer held.
 * @throws PROTOCOL_ERROR for a diff before any rows, or one naming a row it neither holds nor sends
 */
export function applyAnswerMessage(
  answer: WindowAnswer | undefined,
  columns: readonly WindowColumn[],
  message: AnswerMessage,
): WindowAnswer {
  if (message.type === 'window-rows') return { columns, head: message.head, rows: message.rows }
  if (answer === undefined) {
    throw new TesseraError('PROTOCOL_ERROR', 'the server sent a window diff before its rows')
  }
  const known = new Map(answer.rows.map((row) => [row.id, row]))
  for (const row of message.rows) known.set(row.id, row)
  const ids = message.ids ?? answer.rows.map((row) => row.id)
  const rows = ids.map((id) => {
    const row = known.get(id)
    if (row === undefined) {
      throw new TesseraError('PROTOCOL_ERROR', `the server's window diff names unknown row ${id}`)
    }
    return row
  })
  return { columns, head: message.head, rows }
}

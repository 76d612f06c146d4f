// Table names as they appear in WebSocket paths (`ws://host/<table>`): percent-decoded, then
// checked by the one rule of the core (S115).
import { checkTableName, TesseraError } from '../src/index.js'

/** Reads the table name from an upgrade request's path (`/<table>`, percent-decoded). */
export function tableNameFromPath(url: string | undefined): string {
  const path = new URL(url ?? '/', 'http://localhost').pathname.slice(1)
  let name: string
  try {
    name = decodeURIComponent(path)
  } catch {
    throw new TesseraError('INVALID_ARGUMENT', `the path "/${path}" is not valid percent-encoding`)
  }
  return checkTableName(name)
}

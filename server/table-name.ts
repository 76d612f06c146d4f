// Table names as they appear in URLs (`ws://host/<table>`, `/tables/<table>`): checked once here.
import { TesseraError } from '../src/index.js'

/** Longest table name accepted, in characters. */
export const maxTableNameLength = 128

/**
 * Checks a table name: 1 to 128 characters, no `/`, no control characters.
 * @throws INVALID_ARGUMENT saying what is wrong with the name
 */
export function checkTableName(name: unknown): string {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > maxTableNameLength ||
    /[/\u0000-\u001f\u007f]/.test(name)
  ) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `invalid table name ${JSON.stringify(name) ?? typeof name}: use 1 to ${maxTableNameLength} characters without "/" or control characters`,
    )
  }
  return name
}

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

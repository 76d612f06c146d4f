// The one rule for table names (S115), shared by the server (WebSocket paths, REST), the client
// and docs/rest.md: a name that one of them accepts, every other one accepts too.
import { TesseraError } from './errors.js'

/** Longest table name accepted, in characters. */
export const maxTableNameLength = 128

/** What a table name may be, as the error messages say it. */
export const tableNameRule = `1 to ${maxTableNameLength} characters without "/" or control characters, and not "." or ".." (spaces are fine)`

/**
 * Checks a table name: 1 to 128 characters, no `/`, no control characters, not `.` or `..` (a
 * URL path cannot carry those two). Spaces and any other character are allowed; clients
 * percent-encode the name in URLs.
 * @throws INVALID_ARGUMENT naming `where` and saying what a name may be
 */
export function checkTableName(name: unknown, where = 'table'): string {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > maxTableNameLength ||
    name === '.' ||
    name === '..' ||
    /[/\u0000-\u001f\u007f]/.test(name)
  ) {
    const shown = JSON.stringify(name) ?? typeof name
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where}: ${shown} is not a valid table name; use ${tableNameRule}`,
    )
  }
  return name
}

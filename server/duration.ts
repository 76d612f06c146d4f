// Durations as operators write them (`30d`, `12h`, `90m`, `45s`, `500ms`, `0`), read as
// milliseconds for options such as --history-retention. Pure.
import { TesseraError } from '../src/index.js'

const durationUnits: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

/**
 * Reads a duration such as `30d`, `12h`, `90m`, `45s`, `500ms` or `0` as milliseconds.
 * @throws INVALID_ARGUMENT naming `where` for any other text
 */
export function parseDuration(text: string, where: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim())
  const unit = match?.[2]
  if (match === null || (unit === undefined && match[1] !== '0')) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `${where} must be a duration such as 30d, 12h, 90m, 45s, 500ms or 0, got "${text}"`,
    )
  }
  return Number(match[1]) * (unit === undefined ? 0 : durationUnits[unit]!)
}

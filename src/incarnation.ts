// Row incarnations of data format 2 (docs/architecture.md, "Layout"): the Yjs id (client, clock)
// of the item that first stored a row's life, written as a short string. Yjs ids are unique
// without coordination, so it names one life of one row, and leads back to that row through
// Yjs. Pure functions; knows nothing about maps or tables.

// Each character carries 7 bits (code units 0–127 are one byte each in a Yjs update).
const radix = 128
/** Clients below this take 5 characters; others (foreign writers) an escape and 8. */
const shortClientLimit = 127 * 2 ** 28
const escape = '\u007f'
const shortClientLength = 5
const longClientLength = 8

/** The characters of `value` in base 128, most significant first, at least `length` of them. */
function digits(value: number, length: number): string {
  let text = ''
  let rest = value
  do {
    text = String.fromCharCode(rest % radix) + text
    rest = Math.floor(rest / radix)
  } while (rest > 0 || text.length < length)
  return text
}

function valueOf(text: string, from: number, to: number): number | undefined {
  let value = 0
  for (let index = from; index < to; index++) {
    const unit = text.charCodeAt(index)
    if (unit >= radix) return undefined
    value = value * radix + unit
  }
  return value
}

/** The prefix every incarnation of `client` starts with (its rows' shapes are keyed by it too). */
export function clientPrefix(client: number): string {
  return client < shortClientLimit
    ? digits(client, shortClientLength)
    : escape + digits(client, longClientLength)
}

/**
 * The incarnation of the row life first stored by the Yjs item (client, clock): 6 to 8
 * characters for the clients Yjs makes.
 * @example
 * parseIncarnation(incarnationOf(123456789, 42)) // { client: 123456789, clock: 42 }
 */
export function incarnationOf(
  client: number,
  clock: number,
  prefix = clientPrefix(client),
): string {
  // Clocks below 128³ (every row of a bulk insert into a table of fewer than two million items)
  // in one string, without building it digit by digit.
  if (clock < radix) return prefix + String.fromCharCode(clock)
  if (clock < radix * radix)
    return prefix + String.fromCharCode(Math.floor(clock / radix), clock % radix)
  if (clock < radix * radix * radix) {
    const high = Math.floor(clock / (radix * radix))
    return prefix + String.fromCharCode(high, Math.floor(clock / radix) % radix, clock % radix)
  }
  return prefix + digits(clock, 1)
}

/**
 * `incarnationOf(client, clock)` for one client, made for many clocks in a row (a bulk insert):
 * a clock below 128³ takes one string built from its character codes, with no intermediate one.
 */
export function incarnationsOf(client: number): (clock: number) => string {
  // One writer asks again and again (every insert): its function is kept.
  if (client === lastClient && lastMaker !== undefined) return lastMaker
  lastClient = client
  return (lastMaker = makerOf(client))
}

let lastClient = -1
let lastMaker: ((clock: number) => string) | undefined

function makerOf(client: number): (clock: number) => string {
  const prefix = clientPrefix(client)
  if (prefix.length !== shortClientLength) return (clock) => incarnationOf(client, clock, prefix)
  const [a, b, c, d, e] = Array.from(prefix, (char) => char.charCodeAt(0)) as [
    number,
    number,
    number,
    number,
    number,
  ]
  return (clock) => {
    if (clock < radix) return String.fromCharCode(a, b, c, d, e, clock)
    if (clock < radix * radix)
      return String.fromCharCode(a, b, c, d, e, Math.floor(clock / radix), clock % radix)
    if (clock < radix * radix * radix) {
      const high = Math.floor(clock / (radix * radix))
      return String.fromCharCode(
        a,
        b,
        c,
        d,
        e,
        high,
        Math.floor(clock / radix) % radix,
        clock % radix,
      )
    }
    return incarnationOf(client, clock, prefix)
  }
}

/** The length of the client prefix `incarnation` starts with (undefined: not an incarnation). */
export function prefixLengthOf(incarnation: string): number | undefined {
  const length = incarnation.charCodeAt(0) === 0x7f ? 1 + longClientLength : shortClientLength
  return incarnation.length > length ? length : undefined
}

/** The Yjs id an incarnation names; undefined for a string that is not one (data from storage). */
export function parseIncarnation(
  incarnation: unknown,
): { client: number; clock: number } | undefined {
  return typeof incarnation === 'string' && decode(incarnation)
    ? { client: decodedClient, clock: decodedClock }
    : undefined
}

/**
 * The clock of the Yjs id `incarnation` names, as parseIncarnation reads it without making an
 * object (a scan reads one per row); -1 for a string that is not an incarnation.
 */
export function clockOfIncarnation(incarnation: string): number {
  return decode(incarnation) ? decodedClock : -1
}

/**
 * The clock of `incarnation` when its first `prefixLength` characters are a client prefix known
 * to be valid (a scan's run of one writer's rows): parseIncarnation's rules for the rest; -1
 * when the rest is not a clock.
 */
export function clockAfterPrefix(incarnation: string, prefixLength: number): number {
  const { length } = incarnation
  if (length <= prefixLength || length > prefixLength + 8) return -1
  if (length > prefixLength + 1 && incarnation.charCodeAt(prefixLength) === 0) return -1
  let clock = 0
  for (let index = prefixLength; index < length; index++) {
    const unit = incarnation.charCodeAt(index)
    if (unit >= radix) return -1
    clock = clock * radix + unit
  }
  return clock
}

/** The client and clock the last successful `decode` read (no object per call). */
let decodedClient = 0
let decodedClock = 0

/** Reads `incarnation` into decodedClient and decodedClock; false when it is not one. */
function decode(incarnation: string): boolean {
  const length = prefixLengthOf(incarnation)
  if (length === undefined || incarnation.length > length + 8) return false
  const client = valueOf(incarnation, length === shortClientLength ? 0 : 1, length)
  const clock = valueOf(incarnation, length, incarnation.length)
  if (client === undefined || clock === undefined || !Number.isSafeInteger(client)) return false
  // One encoding per id: no leading zero digit in the clock, short clients in short form.
  if (incarnation.length > length + 1 && incarnation.charCodeAt(length) === 0) return false
  if ((length === shortClientLength) !== client < shortClientLimit) return false
  decodedClient = client
  decodedClock = clock
  return true
}

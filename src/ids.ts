// Branded identifiers and the generator of row ids. Pure: randomness comes from crypto.getRandomValues.

/** A row's id: a non-empty string, unique within its table. */
export type RowId = string & { readonly __brand: 'RowId' }
/** A column's stable id (its name may change; its id never does). */
export type ColumnId = string & { readonly __brand: 'ColumnId' }

// The URL-safe base64 alphabet: 64 symbols, so each takes exactly 6 random bits with no bias.
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_'
const rowIdLength = 16

/**
 * Makes a collision-resistant row id: 16 URL-safe characters carrying 96 random bits, so a
 * billion ids drawn on many replicas collide with probability below 10^-10.
 */
export function createRowId(): RowId {
  let id = ''
  for (let index = 0; index < rowIdLength; index++) id += alphabet[randomByte() & 63]!
  return id as RowId
}

/** A random unsigned 32-bit integer, used to tell apart two lives of one row id. */
export function createIncarnation(): number {
  return ((randomByte() << 24) | (randomByte() << 16) | (randomByte() << 8) | randomByte()) >>> 0
}

// getRandomValues costs microseconds per call whatever its size: draw bytes from a pool
// refilled 4 KiB at a time, so inserting 100,000 rows does not spend most of its time there.
const pool = new Uint8Array(4096)
let poolOffset = pool.length

function randomByte(): number {
  if (poolOffset === pool.length) {
    crypto.getRandomValues(pool)
    poolOffset = 0
  }
  return pool[poolOffset++]!
}

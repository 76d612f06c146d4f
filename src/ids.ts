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
  const bytes = crypto.getRandomValues(new Uint8Array(rowIdLength))
  let id = ''
  for (const byte of bytes) id += alphabet[byte & 63]!
  return id as RowId
}

/** A random unsigned 32-bit integer, used to tell apart two lives of one row id. */
export function createIncarnation(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!
}

// What a connection may do with its table, as the permissions message carries it
// (docs/protocol.md §5): five rights packed into the bits of one varUint.
import { noPermissions, rightKeys, rights, type TablePermissions } from '../permissions.js'

export type { TablePermissions } from '../permissions.js'

/** Bit i of the wire value is right i of `rights` (src/permissions.ts). */
const permissionBits = rights.map((right) => rightKeys[right])

/** Bit 0 read, 1 insert, 2 update, 3 delete, 4 admin. */
export function encodePermissionBits(permissions: TablePermissions): number {
  let bits = 0
  permissionBits.forEach((key, bit) => {
    if (permissions[key]) bits |= 1 << bit
  })
  return bits
}

/** The rights of `bits`; higher bits are ignored (room for rights a later server may add). */
export function decodePermissionBits(bits: number): TablePermissions {
  // A varUint may exceed 32 bits, where `&` alone would wrap: keep the low bits first.
  const low = bits % 2 ** permissionBits.length
  const decoded: Record<keyof TablePermissions, boolean> = { ...noPermissions }
  permissionBits.forEach((key, bit) => {
    decoded[key] = (low & (1 << bit)) !== 0
  })
  return decoded
}

// What a connection may do with its table, as the permissions message carries it
// (docs/protocol.md §5): five rights packed into the bits of one varUint.

/** What a connection may do with its table (docs/protocol.md §5, docs/semantics.md S57). */
export interface TablePermissions {
  readonly canRead: boolean
  readonly canInsertRows: boolean
  readonly canUpdateRows: boolean
  readonly canDeleteRows: boolean
  /** Change the schema (add, rename, retype, move or remove columns). */
  readonly canAdminister: boolean
}

/** Bit i of the wire value is right i of this list. */
const permissionBits = [
  'canRead',
  'canInsertRows',
  'canUpdateRows',
  'canDeleteRows',
  'canAdminister',
] as const

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
  const rights: Record<(typeof permissionBits)[number], boolean> = {
    canRead: false,
    canInsertRows: false,
    canUpdateRows: false,
    canDeleteRows: false,
    canAdminister: false,
  }
  permissionBits.forEach((key, bit) => {
    rights[key] = (low & (1 << bit)) !== 0
  })
  return rights
}

// The one permission vocabulary (src/permissions.ts): what each set of rights allows.
import { describe, expect, it } from 'vitest'
import type { Right } from '../../src/index.js'
import {
  allPermissions,
  allows,
  canWriteAnything,
  canWriteEverything,
  grant,
  isSamePermissions,
  noPermissions,
  rightsOf,
  verbOf,
} from '../../src/internal.js'

describe('permissions', () => {
  it('S74: every row right implies read, and admin implies every right', () => {
    for (const right of ['insert', 'update', 'delete'] as const) {
      expect(rightsOf(grant([right]))).toEqual(['read', right])
    }
    expect(rightsOf(grant(['admin']))).toEqual(['read', 'insert', 'update', 'delete', 'admin'])
    expect(rightsOf(grant(['read']))).toEqual(['read'])
    expect(rightsOf(noPermissions)).toEqual([])
    expect(isSamePermissions(grant(['admin']), allPermissions)).toBe(true)
  })

  it('allows each right by itself, and write for any row right', () => {
    const updater = grant(['update'])
    const expected: Record<Right | 'write', boolean> = {
      read: true,
      insert: false,
      update: true,
      delete: false,
      admin: false,
      write: true,
    }
    for (const [operation, isAllowed] of Object.entries(expected)) {
      expect(allows(updater, operation as Right)).toBe(isAllowed)
    }
    expect(allows(grant(['read']), 'write')).toBe(false)
  })

  it('tells a reader (nothing to write) and a partial writer from a full writer', () => {
    expect(canWriteAnything(grant(['read']))).toBe(false)
    expect(canWriteAnything(grant(['delete']))).toBe(true)
    expect(canWriteEverything(grant(['insert', 'update', 'delete']))).toBe(false)
    expect(canWriteEverything(grant(['admin']))).toBe(true)
    expect(isSamePermissions(grant(['insert']), grant(['update']))).toBe(false)
  })

  it('words each operation for messages', () => {
    expect(verbOf('update')).toBe('change rows of')
    expect(verbOf('admin')).toBe('create or change the columns of')
    expect(verbOf('write')).toBe('write')
  })
})

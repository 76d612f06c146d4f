// The RevocationList contract: every adapter of the port (memory, SQLite, and later PostgreSQL)
// runs it.
import { describe, expect, it } from 'vitest'
import type { RevocationList } from '../../server/ports/revocation-list.js'

/** Runs the shared RevocationList contract against `setup`, which returns a fresh, empty list. */
export function runRevocationListContract(
  name: string,
  setup: () => Promise<RevocationList> | RevocationList,
): void {
  describe(`RevocationList contract: ${name}`, () => {
    it('starts empty', async () => {
      const list = await setup()
      expect(await list.list(0)).toEqual([])
    })

    it('returns each revocation with a growing seq, and lists those after a seq in order', async () => {
      const list = await setup()
      const first = await list.add({ kind: 'token', id: 'jti-1', atMs: 10 })
      const second = await list.add({ kind: 'user', id: 'ann', atMs: 20 })
      const third = await list.add({ kind: 'token', id: 'jti-1', atMs: 30 })
      expect(first).toEqual({ kind: 'token', id: 'jti-1', atMs: 10, seq: first.seq })
      expect(second.seq).toBeGreaterThan(first.seq)
      expect(third.seq).toBeGreaterThan(second.seq)
      expect(await list.list(0)).toEqual([first, second, third])
      expect(await list.list(first.seq)).toEqual([second, third])
      expect(await list.list(third.seq)).toEqual([])
    })

    it('keeps ids as data', async () => {
      const list = await setup()
      await list.add({ kind: 'user', id: '__proto__', atMs: 1 })
      await list.add({ kind: 'user', id: "'; DROP TABLE revocations; --", atMs: 2 })
      expect((await list.list(0)).map((revocation) => revocation.id)).toEqual([
        '__proto__',
        "'; DROP TABLE revocations; --",
      ])
    })
  })
}

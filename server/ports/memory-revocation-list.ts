// The reference RevocationList adapter: revocations in an array, for one process. Used when the
// server runs on a custom Store (nothing durable to keep them beside) and by the contract suite.
import type { Revocation, RevocationList } from './revocation-list.js'

/** Creates a RevocationList that lives as long as the process. */
export function createMemoryRevocationList(): RevocationList {
  const revocations: Revocation[] = []
  return {
    add(input) {
      const revocation = {
        kind: input.kind,
        id: input.id,
        atMs: input.atMs,
        seq: revocations.length + 1,
      }
      revocations.push(revocation)
      return Promise.resolve({ ...revocation })
    },
    list: (afterSeq) =>
      Promise.resolve(
        revocations
          .filter((revocation) => revocation.seq > afterSeq)
          .map((revocation) => ({ ...revocation })),
      ),
    close: () => Promise.resolve(),
  }
}

// The audit log and the revocation list on PostgreSQL: the same contracts as memory and SQLite,
// and revocations numbered in commit order, so a node polling the list never skips one (S75).
import { expect, it, onTestFinished } from 'vitest'
import { createPostgresAuditLog } from '../../server/adapters/postgres-audit-log.js'
import { openPostgres } from '../../server/adapters/postgres-database.js'
import { createPostgresRevocationList } from '../../server/adapters/postgres-revocation-list.js'
import type { Revocation } from '../../server/ports/revocation-list.js'
import { isTesseraError } from '../../src/index.js'
import { describeWithServices, freshSchema, requireServices } from '../helpers/services.js'
import { runAuditLogContract } from '../server/audit-log-contract.js'
import { runRevocationListContract } from '../server/revocation-list-contract.js'

const open = async (schema = freshSchema()) => {
  const database = await openPostgres({ url: requireServices().postgresUrl, schema })
  onTestFinished(() => database.close())
  return database
}

describeWithServices('PostgreSQL audit log and revocation list', () => {
  runAuditLogContract('PostgreSQL', async () => createPostgresAuditLog(await open()))
  runRevocationListContract('PostgreSQL', async () => createPostgresRevocationList(await open()))

  it('S75: revocations added at once through many connections reach a poller in commit order, none skipped', async () => {
    const schema = freshSchema()
    const lists = await Promise.all(
      [1, 2, 3].map(async () => createPostgresRevocationList(await open(schema))),
    )
    const seen: Revocation[] = []
    let isAdding = true
    // A node's poll: everything after the last number it saw.
    const poller = (async () => {
      while (isAdding) seen.push(...(await lists[0]!.list(seen.at(-1)?.seq ?? 0)))
    })()
    const added = await Promise.all(
      Array.from({ length: 90 }, (_, index) =>
        lists[index % 3]!.add({ kind: 'token', id: `jti-${index}`, atMs: index }),
      ),
    )
    isAdding = false
    await poller
    seen.push(...(await lists[0]!.list(seen.at(-1)?.seq ?? 0)))
    expect(seen.map((revocation) => revocation.seq)).toEqual(
      added.map((revocation) => revocation.seq).sort((a, b) => a - b),
    )
  })

  it('the tables are created by the first of several nodes starting at once, and kept', async () => {
    const schema = freshSchema()
    const [first, second] = await Promise.all([open(schema), open(schema)])
    const [logA, logB] = await Promise.all([
      createPostgresAuditLog(first),
      createPostgresAuditLog(second),
    ])
    const record = { table: 't', rowId: 'r', action: 'insert', columns: [], userId: null } as const
    await logA.append([{ ...record, atMs: 1 }])
    await logA.close()
    expect(await logB.history('t', 'r', 5)).toMatchObject([{ ...record, atMs: 1 }])
    const error: unknown = await logA.history('t', 'r', 5).catch((caught: unknown) => caught)
    expect(isTesseraError(error, 'CLOSED')).toBe(true)
  })

  it('reports an unreachable database as STORAGE_FAILURE', async () => {
    const error: unknown = await openPostgres({
      url: 'postgres://nobody:wrong@127.0.0.1:1/none',
    }).catch((caught: unknown) => caught)
    expect(isTesseraError(error, 'STORAGE_FAILURE')).toBe(true)
  })
})

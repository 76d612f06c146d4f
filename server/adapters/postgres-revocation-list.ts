// The RevocationList port over PostgreSQL: one table in the database every node shares, so a
// token revoked through any node (or `tessera token revoke --postgres`) is refused by all (S75).
import type { Revocation, RevocationList } from '../ports/revocation-list.js'
import type { PostgresDatabase } from './postgres-database.js'

interface RevocationRow {
  seq: string
  kind: Revocation['kind']
  id: string
  at_ms: string
}

const revocationOf = (row: RevocationRow): Revocation => ({
  seq: Number(row.seq),
  kind: row.kind,
  id: row.id,
  atMs: Number(row.at_ms),
})

/**
 * Creates the revocation table when missing and returns the list over it. Closing it leaves the
 * database open (its owner closes that).
 * @throws STORAGE_FAILURE when the table cannot be created
 */
export async function createPostgresRevocationList(
  database: PostgresDatabase,
): Promise<RevocationList> {
  const counter = `${database.prefix}tessera_revocation_counter`
  const revocations = `${database.prefix}tessera_revocations`
  await database.migrate(`
    CREATE TABLE IF NOT EXISTS ${counter} (one boolean PRIMARY KEY, seq bigint NOT NULL);
    CREATE TABLE IF NOT EXISTS ${revocations} (
      seq bigint PRIMARY KEY, kind text NOT NULL, id text NOT NULL, at_ms bigint NOT NULL);`)
  // S75: a serial column hands out numbers before commit, so a poller could see 6 before 5 and
  // skip 5 for good. The counter row stays locked until commit: numbers follow commit order.
  const add = `WITH counter AS (
      INSERT INTO ${counter} AS c (one, seq) VALUES (true, 1)
      ON CONFLICT (one) DO UPDATE SET seq = c.seq + 1 RETURNING seq)
    INSERT INTO ${revocations} (seq, kind, id, at_ms) SELECT seq, $1, $2, $3 FROM counter
    RETURNING *`
  const after = `SELECT * FROM ${revocations} WHERE seq > $1 ORDER BY seq`
  let isClosed = false
  const closed = (): boolean => isClosed
  return {
    add: (input) =>
      database.run('revocation add', closed, async () => {
        const [row] = await database.rows<RevocationRow>(add, [input.kind, input.id, input.atMs])
        return revocationOf(row!)
      }),
    list: (afterSeq) =>
      database.run('revocation list', closed, async () =>
        (await database.rows<RevocationRow>(after, [afterSeq])).map(revocationOf),
      ),
    close() {
      isClosed = true
      return Promise.resolve()
    },
  }
}

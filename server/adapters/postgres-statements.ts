// The SQL of the PostgreSQL store for the tables of one schema prefix (`"name".` or none). Every
// statement but `list` names one table_name, so it touches one partition of partitioned tables.

/** The statements of one schema. */
export function postgresStatements(prefix: string) {
  const counters = `${prefix}tessera_counters`
  const updates = `${prefix}tessera_updates`
  const snapshots = `${prefix}tessera_snapshots`
  return {
    schema: `
      CREATE TABLE IF NOT EXISTS ${counters} (table_name text PRIMARY KEY, seq bigint NOT NULL,
        at_ms bigint NOT NULL DEFAULT 0, before_ms bigint NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS ${updates} (
        table_name text NOT NULL, seq bigint NOT NULL, at_ms bigint NOT NULL, author text,
        data bytea NOT NULL, PRIMARY KEY (table_name, seq));
      CREATE TABLE IF NOT EXISTS ${snapshots} (
        table_name text NOT NULL, seq bigint NOT NULL, at_ms bigint NOT NULL,
        data bytea NOT NULL, PRIMARY KEY (table_name, seq));
      ALTER TABLE ${counters} ADD COLUMN IF NOT EXISTS generation bigint NOT NULL DEFAULT 0;
      ALTER TABLE ${counters} ADD COLUMN IF NOT EXISTS deleted_state bytea;`,
    // S90: the counter row stays locked until the statement commits, so numbers are handed out
    // in commit order: whoever sees n committed knows every lower one is committed too. It also
    // keeps the newest time ($6: the batch's latest), so nodes whose clocks differ never date an
    // entry before the one it follows (S101); `before_ms` returns the time before this batch.
    // S210: with $7, a table deleted since (another generation) gets nothing: no row returns.
    append: `WITH counter AS (
        INSERT INTO ${counters} AS c (table_name, seq, at_ms) VALUES ($1, $2, $6)
        ON CONFLICT (table_name) DO UPDATE
          SET seq = c.seq + $2, before_ms = c.at_ms, at_ms = greatest(c.at_ms, $6)
          WHERE $7::bigint IS NULL OR c.generation = $7::bigint
        RETURNING seq, before_ms)
      INSERT INTO ${updates} (table_name, seq, at_ms, author, data)
      SELECT $1, counter.seq - $2 + u.ord, greatest(u.at_ms, counter.before_ms), u.author, u.data
      FROM counter, unnest($3::bytea[], $4::bigint[], $5::text[])
        WITH ORDINALITY AS u(data, at_ms, author, ord)
      RETURNING seq`,
    current: `SELECT seq FROM ${counters} WHERE table_name = $1`,
    // One statement reads one consistent state: the newest snapshot above $2 (none when the
    // caller holds it already), then the log after both. A trim never drops what follows it.
    load: `WITH s AS (SELECT seq, at_ms, data FROM ${snapshots}
        WHERE table_name = $1 AND seq > $2 ORDER BY seq DESC LIMIT 1)
      SELECT 0 AS kind, seq, at_ms, data FROM s
      UNION ALL SELECT 1, seq, at_ms, data FROM ${updates}
        WHERE table_name = $1 AND seq > greatest($2, coalesce((SELECT seq FROM s), 0))
      UNION ALL SELECT 2, generation, 0, coalesce(deleted_state, ''::bytea) FROM ${counters}
        WHERE table_name = $1
      ORDER BY kind, seq`,
    readLog: `SELECT seq, at_ms, author, data FROM ${updates}
      WHERE table_name = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    // S210: a compaction holds the table's generation (KEY SHARE lets appends go on; a
    // deletion's FOR UPDATE waits for it, or it for the deletion).
    generationShared: `SELECT generation FROM ${counters} WHERE table_name = $1 FOR KEY SHARE`,
    compactLock: `SELECT pg_try_advisory_xact_lock(hashtextextended('tessera compact ' || $1, 0)) AS locked`,
    putSnapshot: `INSERT INTO ${snapshots} (table_name, seq, at_ms, data) VALUES ($1, $2, $3, $4)
      ON CONFLICT (table_name, seq) DO UPDATE SET at_ms = $3, data = $4`,
    // Only an older snapshot is replaced: the newest one always holds every update up to it.
    dropSnapshot: `DELETE FROM ${snapshots} WHERE table_name = $1 AND seq = $2 AND seq < $3`,
    raiseCounter: `INSERT INTO ${counters} AS c (table_name, seq) VALUES ($1, $2)
      ON CONFLICT (table_name) DO UPDATE SET seq = greatest(c.seq, $2)`,
    snapshots: `SELECT seq, at_ms, length(data) AS byte_length FROM ${snapshots}
      WHERE table_name = $1 ORDER BY seq`,
    readSnapshot: `SELECT data FROM ${snapshots} WHERE table_name = $1 AND seq = $2`,
    // Locks the snapshot a trim keeps, so a compaction cannot replace it meanwhile.
    lockSnapshot: `SELECT 1 FROM ${snapshots} WHERE table_name = $1 AND seq = $2 FOR UPDATE`,
    trimLog: `DELETE FROM ${updates} WHERE table_name = $1 AND seq <= $2`,
    trimSnapshots: `DELETE FROM ${snapshots} WHERE table_name = $1 AND seq < $2`,
    list: `SELECT table_name FROM ${snapshots} UNION SELECT table_name FROM ${updates}`,
    // S210: a deletion first locks the counter (appends and compactions of the table wait, or
    // it waits for them), raises the generation and starts the numbers again at 1 (the Store
    // contract); then, in a later statement of the same transaction, deletes what is committed.
    // S235: $2 is what the deletion keeps with the new generation (null: nothing).
    deleteCounter: `INSERT INTO ${counters} AS c (table_name, seq, generation, deleted_state)
        VALUES ($1, 0, 1, $2)
      ON CONFLICT (table_name) DO UPDATE
        SET seq = 0, at_ms = 0, before_ms = 0, generation = c.generation + 1, deleted_state = $2`,
    lockCounter: `SELECT 1 FROM ${counters} WHERE table_name = $1 FOR UPDATE`,
    delete: `WITH u AS (DELETE FROM ${updates} WHERE table_name = $1 RETURNING 1),
        s AS (DELETE FROM ${snapshots} WHERE table_name = $1 RETURNING 1)
      SELECT (SELECT count(*) FROM u) + (SELECT count(*) FROM s) AS removed`,
  }
}

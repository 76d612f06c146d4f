// The tables of a SQLite store file and their upgrades (docs/operations.md, "Storage layout").
// The layout version is SQLite's `user_version`; each upgrade runs once, in one transaction.
import type Database from 'better-sqlite3'
import { TesseraError } from '../../src/index.js'
import { upgradeAuditTable } from './sqlite-audit-layout.js'

/**
 * The layout this code writes. 1: one snapshot per table, no time or author (before history);
 * 2: dated log entries, one `audit` row per record; 3: audit records per turn and table.
 */
export const storeLayoutVersion = 3

const layout2 = `
  CREATE TABLE IF NOT EXISTS updates (
    table_name TEXT NOT NULL, seq INTEGER NOT NULL, at_ms INTEGER NOT NULL, author TEXT,
    data BLOB NOT NULL,
    PRIMARY KEY (table_name, seq)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS snapshots (
    table_name TEXT NOT NULL, seq INTEGER NOT NULL, at_ms INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (table_name, seq));
  CREATE TABLE IF NOT EXISTS generations (
    table_name TEXT NOT NULL PRIMARY KEY, generation INTEGER NOT NULL) WITHOUT ROWID;
`

/**
 * S210: how many times each table was deleted. Added to layout 2 without a new version (an older
 * tessera ignores it), so a file of layout 2 may lack it until it is opened read-write.
 */
const generationsTable = `
  CREATE TABLE IF NOT EXISTS generations (
    table_name TEXT NOT NULL PRIMARY KEY, generation INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS deleted_states (
    table_name TEXT NOT NULL PRIMARY KEY, state BLOB NOT NULL) WITHOUT ROWID;
`

/**
 * Layout 1 to 2: log entries get a time and an author, and a table may keep several snapshots.
 * What layout 1 stored has no time: its entries are dated at the upgrade, where history starts.
 */
const upgrade1to2 = (db: Database.Database, nowMs: number): void => {
  db.exec(`
    ALTER TABLE updates ADD COLUMN at_ms INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE updates ADD COLUMN author TEXT;
    ALTER TABLE snapshots RENAME TO snapshots_layout1;
  `)
  db.exec(layout2)
  db.prepare('UPDATE updates SET at_ms = ?').run(nowMs)
  db.prepare(
    'INSERT INTO snapshots (table_name, seq, at_ms, data) SELECT table_name, seq, ?, data FROM snapshots_layout1',
  ).run(nowMs)
  db.exec('DROP TABLE snapshots_layout1')
}

/**
 * True when the file has the table `name`, or the connection a TEMP table or view of that name
 * (how a read-only connection reads an older layout, sqlite-older-layouts.ts).
 */
export const hasTable = (db: Database.Database, name: string): boolean =>
  db
    .prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? UNION ALL SELECT 1 FROM sqlite_temp_master WHERE type IN ('table', 'view') AND name = ?",
    )
    .get(name, name) !== undefined

/** The layout of an open file: 0 for an empty file. */
export function layoutOf(db: Database.Database): number {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > 0) return version
  return hasTable(db, 'updates') ? 1 : 0
}

/**
 * Creates the tables of a new file, or upgrades an older layout in one transaction.
 * A read-only open of layout 2 is read as it is (S251).
 * @throws STORAGE_FAILURE for a file written by a newer layout, or one of layout 0 or 1 opened
 * read-only
 */
export function prepareLayout(db: Database.Database, path: string, isReadonly: boolean): void {
  const found = layoutOf(db)
  if (found > storeLayoutVersion) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `"${path}" was written by a newer tessera (storage layout ${found}, this one knows ${storeLayoutVersion}); upgrade tessera`,
    )
  }
  if (found === storeLayoutVersion) {
    if (!isReadonly) db.exec(generationsTable)
    return
  }
  // S251: layout 2's store tables are layout 3's; a read-only open reads them as they are (its
  // audit log through sqlite-older-layouts.ts), and a missing `generations` reads as 0.
  if (isReadonly && found === 2) return
  if (isReadonly) {
    throw new TesseraError(
      'STORAGE_FAILURE',
      `"${path}" has storage layout ${found}, which cannot be read without an upgrade; open it once read-write (after a copy of the file) to upgrade it to ${storeLayoutVersion}`,
    )
  }
  db.transaction(() => {
    if (found === 0) db.exec(layout2)
    if (found === 1) upgrade1to2(db, Date.now())
    db.exec(generationsTable)
    // Layout 2 to 3 (also a file that only an audit log of layout 2 wrote: its `audit` moves).
    upgradeAuditTable(db)
    db.pragma(`user_version = ${storeLayoutVersion}`)
  }).immediate()
}

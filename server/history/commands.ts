// `tessera backup <file>` and `tessera restore <backup> [--at <time>]` (docs/operations.md): they
// open the database file themselves (SQLite's backup API), so they need no server and no token.
import type { Writable } from 'node:stream'
import { parseAt } from '../http/params.js'
import { parseToolArgs, resolveDbPath, type ToolSpec } from '../tool-args.js'
import { backupDatabase, restoreDatabase } from './backup.js'
import { operatorId, recordRestores } from './restore-audit.js'

/** Where a tool command writes what it says, and how it reads files. */
export interface ToolIo {
  /** Where data goes (`tessera export` without --out): process.stdout in the CLI. */
  stdout: Writable
  /** Progress bars and notes: process.stderr in the CLI (redrawn in place on a terminal). */
  stderr: Writable & { isTTY?: boolean }
  env: Readonly<Record<string, string | undefined>>
  readFile: (path: string) => string
  /** One line of output (stdout). */
  print: (line: string) => void
}

const backupSpec: ToolSpec = {
  command: 'backup',
  usage: 'Usage: tessera backup <file> [--db <database>] [--config <file>]',
  positionals: 1,
  flags: ['--db', '--config'],
}

const restoreSpec: ToolSpec = {
  command: 'restore',
  usage:
    'Usage: tessera restore <backup> [--at <ISO time>] [--db <database>] [--config <file>] [--force]',
  positionals: 1,
  flags: ['--db', '--config', '--at'],
  switches: ['--force'],
}

/**
 * Runs `tessera backup`: a consistent copy of the database while the server runs.
 * @throws INVALID_ARGUMENT for bad arguments; STORAGE_FAILURE when the copy fails
 */
export async function runBackupCommand(args: readonly string[], io: ToolIo): Promise<void> {
  const parsed = parseToolArgs(args, backupSpec)
  const dbPath = resolveDbPath(parsed, io.env, io.readFile)
  const started = Date.now()
  const { file, pages } = await backupDatabase(dbPath, parsed.positionals[0]!)
  io.print(
    `tessera: backed up ${dbPath} to ${file} (${pages} pages, as of ${new Date(started).toISOString()})`,
  )
}

/**
 * Runs `tessera restore`: writes the database (`--db`) from a backup, as it is or as of `--at`.
 * @throws INVALID_ARGUMENT for bad arguments or an existing database without --force
 * @throws HISTORY_UNAVAILABLE when --at is older than a table's history in the backup
 */
export async function runRestoreCommand(args: readonly string[], io: ToolIo): Promise<void> {
  const parsed = parseToolArgs(args, restoreSpec)
  const target = resolveDbPath(parsed, io.env, io.readFile)
  const atText = parsed.flags.at
  const atMs = atText === undefined ? undefined : parseAt(atText, '--at')
  const { tables } = await restoreDatabase({
    backup: parsed.positionals[0]!,
    target,
    isForced: parsed.switches.has('force'),
    ...(atMs === undefined ? {} : { atMs }),
  })
  // S212: the restored database's audit log says who restored each table, to which time.
  await recordRestores(target, operatorId(io.env), atMs, Date.now())
  const when = atMs === undefined ? 'as it was backed up' : `as of ${new Date(atMs).toISOString()}`
  io.print(`tessera: restored ${tables} table(s) into ${target}, ${when}`)
}

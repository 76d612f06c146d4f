// The arguments of the CLI's tool commands (backup, restore, import, export): positionals, flags
// with values, switches, and the database path resolved as `tessera serve` resolves it.
import { TesseraError } from '../src/index.js'

/** What a tool command accepts: its flags (with a value) and switches (without). */
export interface ToolSpec {
  command: string
  usage: string
  positionals: number
  flags: readonly string[]
  switches?: readonly string[]
}

/** Parsed arguments: positionals in order, flags by name (`--db` → `db`), switches as true. */
export interface ToolArgs {
  positionals: string[]
  flags: Record<string, string>
  switches: Set<string>
}

/**
 * Reads `args` (after the command name) against `spec`.
 * @throws INVALID_ARGUMENT naming an unknown flag, a missing value or a wrong count of positionals
 */
export function parseToolArgs(args: readonly string[], spec: ToolSpec): ToolArgs {
  const result: ToolArgs = { positionals: [], flags: {}, switches: new Set() }
  const fail = (message: string): never => {
    throw new TesseraError('INVALID_ARGUMENT', `tessera ${spec.command}: ${message}\n${spec.usage}`)
  }
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    if (!arg.startsWith('--')) {
      result.positionals.push(arg)
      continue
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined]
    if (spec.switches?.includes(flag) === true) {
      result.switches.add(flag.slice(2))
      continue
    }
    if (!spec.flags.includes(flag)) fail(`unknown option ${flag}`)
    const value = inline ?? args[++index]
    if (value === undefined || value === '') fail(`${flag} needs a value`)
    result.flags[flag.slice(2)] = value!
  }
  if (result.positionals.length !== spec.positionals) {
    fail(`expected ${spec.positionals} argument(s), got ${result.positionals.length}`)
  }
  return result
}

/**
 * The database file: `--db`, else `TESSERA_DB`, else the config file's `dbPath` (`--config` or
 * `TESSERA_CONFIG`), else `./data/tessera.db`: what `tessera serve` would open.
 */
export function resolveDbPath(
  args: ToolArgs,
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): string {
  const fromFlag = args.flags.db ?? env.TESSERA_DB
  if (fromFlag !== undefined && fromFlag !== '') return fromFlag
  const config = args.flags.config ?? env.TESSERA_CONFIG
  if (config !== undefined && config !== '') {
    let parsed: unknown
    try {
      parsed = JSON.parse(readFile(config))
    } catch (cause) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `cannot read the config file "${config}": ${String(cause)}`,
        {
          cause,
        },
      )
    }
    const dbPath = (parsed as { dbPath?: unknown } | null)?.dbPath
    if (typeof dbPath === 'string' && dbPath !== '') return dbPath
  }
  return './data/tessera.db'
}

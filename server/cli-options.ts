// Reads `tessera serve` options from the command line, the environment and a JSON config file
// (in that order of precedence). Pure: argv, env and the file reader are passed in.
import { TesseraError } from '../src/index.js'
import { readTokenCommand, type RevokeCommand, type TokenCommand } from './token-command.js'
import type { TokenOptions } from './access/tokens.js'
import { parseDuration } from './duration.js'
import type { ServerOptions } from './options.js'

type CliKey = Exclude<
  keyof ServerOptions,
  'store' | 'authenticate' | 'authorize' | 'logger' | 'onError' | 'auth' | 'rules' | 'adminRoles'
>

/** Keys only the config file sets (objects): docs/security.md. */
const configOnlyKeys = ['auth', 'rules', 'adminRoles']

/** Environment variables of the `auth` option (the secret stays out of argv and `ps`). */
const authEnv = {
  secret: 'TESSERA_AUTH_SECRET',
  issuer: 'TESSERA_AUTH_ISSUER',
  audience: 'TESSERA_AUTH_AUDIENCE',
} as const

/** Options that take no value on the command line (`--insecure`); env and config say true/false. */
const switches: { key: CliKey; flag: string; env: string }[] = [
  { key: 'isInsecure', flag: '--insecure', env: 'TESSERA_INSECURE' },
  { key: 'devLogin', flag: '--dev-login', env: 'TESSERA_DEV_LOGIN' },
]

/** Each CLI option: its flag, its environment variable and how to read its text. */
type Kind = 'text' | 'integer' | 'flag' | 'duration'
const cliOptions: { key: CliKey; flag: string; env: string; kind: Kind }[] = [
  { key: 'host', flag: '--host', env: 'TESSERA_HOST', kind: 'text' },
  { key: 'port', flag: '--port', env: 'TESSERA_PORT', kind: 'integer' },
  { key: 'dbPath', flag: '--db', env: 'TESSERA_DB', kind: 'text' },
  { key: 'postgresUrl', flag: '--postgres', env: 'TESSERA_POSTGRES_URL', kind: 'text' },
  { key: 'redisUrl', flag: '--redis', env: 'TESSERA_REDIS_URL', kind: 'text' },
  {
    key: 'sqliteSynchronous',
    flag: '--sqlite-synchronous',
    env: 'TESSERA_SQLITE_SYNCHRONOUS',
    kind: 'text',
  },
  {
    key: 'maxMessageBytes',
    flag: '--max-message-bytes',
    env: 'TESSERA_MAX_MESSAGE_BYTES',
    kind: 'integer',
  },
  {
    key: 'maxImportBytes',
    flag: '--max-import-bytes',
    env: 'TESSERA_MAX_IMPORT_BYTES',
    kind: 'integer',
  },
  {
    key: 'maxConnectionsPerTable',
    flag: '--max-connections-per-table',
    env: 'TESSERA_MAX_CONNECTIONS_PER_TABLE',
    kind: 'integer',
  },
  {
    key: 'compactAfterUpdates',
    flag: '--compact-after-updates',
    env: 'TESSERA_COMPACT_AFTER_UPDATES',
    kind: 'integer',
  },
  {
    key: 'compactAfterBytes',
    flag: '--compact-after-bytes',
    env: 'TESSERA_COMPACT_AFTER_BYTES',
    kind: 'integer',
  },
  {
    key: 'historyRetentionMs',
    flag: '--history-retention',
    env: 'TESSERA_HISTORY_RETENTION',
    kind: 'duration',
  },
  {
    key: 'idleUnloadMs',
    flag: '--idle-unload-ms',
    env: 'TESSERA_IDLE_UNLOAD_MS',
    kind: 'integer',
  },
  {
    key: 'canCreateTables',
    flag: '--can-create-tables',
    env: 'TESSERA_CAN_CREATE_TABLES',
    kind: 'flag',
  },
  { key: 'staticDir', flag: '--static-dir', env: 'TESSERA_STATIC_DIR', kind: 'text' },
  { key: 'rulesPath', flag: '--rules', env: 'TESSERA_RULES', kind: 'text' },
  {
    key: 'auditRetentionMs',
    flag: '--audit-retention-ms',
    env: 'TESSERA_AUDIT_RETENTION_MS',
    kind: 'integer',
  },
  ...switches.map((option) => ({ ...option, kind: 'flag' as const })),
  ...(
    [
      ['maxUpdateStructs', 'max-update-structs'],
      ['maxValueDepth', 'max-value-depth'],
      ['maxMessagesPerSecond', 'max-messages-per-second'],
      ['maxBytesPerSecond', 'max-bytes-per-second'],
      ['maxBufferedBytes', 'max-buffered-bytes'],
      ['maxPresenceBytes', 'max-presence-bytes'],
      ['maxConnectionsPerIp', 'max-connections-per-ip'],
      ['maxPendingConnections', 'max-pending-connections'],
      ['maxPendingBytes', 'max-pending-bytes'],
      ['syncAnswerBytesPerSecond', 'sync-answer-bytes-per-second'],
      ['syncAnswerBurstBytes', 'sync-answer-burst-bytes'],
      ['joinSliceBytes', 'join-slice-bytes'],
    ] as const
  ).map(([key, name]) => ({
    key,
    flag: `--${name}`,
    env: `TESSERA_${name.toUpperCase().replaceAll('-', '_')}`,
    kind: 'integer' as const,
  })),
]

const placeholders: Record<Kind, string> = {
  text: 'value',
  integer: 'n',
  flag: 'true|false',
  duration: 'time',
}

/** The usage text of `tessera serve`. */
export const usage = `Usage: tessera serve [options]
       tessera token --sub <user id> [--name <name>] [--roles a,b] [--expires-in <seconds>]
                     [--secret <secret> | TESSERA_AUTH_SECRET | --config <file>]
       tessera token revoke --jti <token id> | --sub <user id>
                     [--db <file> | --postgres <url> | TESSERA_DB | TESSERA_POSTGRES_URL | --config <file>]

Options (each also from the environment variable shown, or a key of the --config JSON file):
  --config <file>   JSON file of options (TESSERA_CONFIG); also holds "auth", "rules", "adminRoles"
${cliOptions.map((option) => `  ${`${option.flag} <${placeholders[option.kind]}>`.padEnd(36)}${option.key} (${option.env})`).join('\n')}
  --insecure, --dev-login           as "--insecure true", "--dev-login true"
  auth.secret, auth.issuer, auth.audience  (TESSERA_AUTH_SECRET, TESSERA_AUTH_ISSUER, TESSERA_AUTH_AUDIENCE)
  --help            this text
  tessera --version prints the version`

const parseValue = (text: string, kind: Kind, where: string): unknown => {
  if (kind === 'text') return text
  if (kind === 'duration') return parseDuration(text, where)
  if (kind === 'flag') {
    if (text === 'true' || text === 'false') return text === 'true'
    throw new TesseraError('INVALID_ARGUMENT', `${where} must be true or false, got "${text}"`)
  }
  if (!/^\d+$/.test(text)) {
    throw new TesseraError('INVALID_ARGUMENT', `${where} must be a whole number, got "${text}"`)
  }
  return Number(text)
}

/** What `readCliOptions` returns. */
export type CliCommand =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'serve'; options: ServerOptions }
  | TokenCommand
  | RevokeCommand

/**
 * Reads the options of `tessera serve`: flags beat environment variables, which beat the config file.
 * @throws INVALID_ARGUMENT for an unknown command, flag or config key, or a malformed value
 */
export function readCliOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): CliCommand {
  const [command, ...args] = argv
  if (command === '--version' || command === '-v' || command === 'version')
    return { command: 'version' }
  if (command === '--help' || command === 'help' || args.includes('--help'))
    return { command: 'help' }
  if (command === 'token') {
    return readTokenCommand(args, env, (path) => readConfig(path, readFile))
  }
  if (command !== 'serve' && command !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `unknown command "${command}"; try: tessera serve --help`,
    )
  }
  const fromFlags: Record<string, unknown> = {}
  let configPath = env.TESSERA_CONFIG
  for (let index = 0; index < args.length; index++) {
    const [flag, inline] = args[index]!.split(/=(.*)/s, 2) as [string, string | undefined]
    const isSwitch = switches.some((option) => option.flag === flag)
    const value = inline ?? (isSwitch ? 'true' : args[++index])
    if (value === undefined) throw new TesseraError('INVALID_ARGUMENT', `${flag} needs a value`)
    if (flag === '--config') {
      configPath = value
      continue
    }
    const option = cliOptions.find((candidate) => candidate.flag === flag)
    if (option === undefined) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `unknown option ${flag}; try: tessera serve --help`,
      )
    }
    fromFlags[option.key] = parseValue(value, option.kind, flag)
  }
  const fromEnv: Record<string, unknown> = {}
  for (const option of cliOptions) {
    const text = env[option.env]
    if (text !== undefined && text !== '')
      fromEnv[option.key] = parseValue(text, option.kind, option.env)
  }
  const { auth: configuredAuth, ...fromConfig } = readConfig(configPath, readFile)
  const auth: Record<string, string> = { ...configuredAuth }
  for (const [key, name] of Object.entries(authEnv)) {
    const text = env[name]
    if (text !== undefined && text !== '') auth[key] = text
  }
  return {
    command: 'serve',
    options: {
      ...fromConfig,
      ...(Object.keys(auth).length === 0 ? {} : { auth: auth as unknown as TokenOptions }),
      ...fromEnv,
      ...fromFlags,
    },
  }
}

const readConfig = (
  path: string | undefined,
  readFile: (path: string) => string,
): ServerOptions => {
  if (path === undefined) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(readFile(path))
  } catch (cause) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `cannot read the config file "${path}": ${String(cause)}`,
      { cause },
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `the config file "${path}" must hold a JSON object of options`,
    )
  }
  const unknownKey = Object.keys(parsed).find(
    (key) => !configOnlyKeys.includes(key) && !cliOptions.some((option) => option.key === key),
  )
  if (unknownKey !== undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `the config file "${path}" has an unknown key "${unknownKey}"; expected ${[...cliOptions.map((option) => option.key), ...configOnlyKeys].join(', ')}`,
    )
  }
  return parsed
}

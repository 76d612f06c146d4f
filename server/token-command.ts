// `tessera token`: mints a signed token for testing and scripts, with the server's secret (from
// --secret, TESSERA_AUTH_SECRET or the config file's auth section); `tessera token revoke`
// revokes tokens in the server's database (S75). Pure: no I/O but the config reader.
import { TesseraError } from '../src/index.js'
import { createTokenVerifier, type TokenOptions } from './access/tokens.js'
import { defaultOptions } from './options.js'

/** A parsed `tessera token` command. */
export interface TokenCommand {
  command: 'token'
  auth: TokenOptions
  sub: string
  name: string | undefined
  roles: string[]
  expiresInSeconds: number
}

/** A parsed `tessera token revoke` command. */
export interface RevokeCommand {
  command: 'revoke'
  /** `token`: one token by its jti; `user`: every token of the user issued until now. */
  kind: 'token' | 'user'
  id: string
  /** The server's SQLite file, where the revocation list lives without PostgreSQL. */
  dbPath: string
  /** The PostgreSQL the servers share (--postgres, TESSERA_POSTGRES_URL): the list lives there. */
  postgresUrl: string | undefined
}

/** What the commands read from a config file. */
type ConfigReader = (path: string) => {
  auth?: TokenOptions | undefined
  dbPath?: string | undefined
  postgresUrl?: string | undefined
}

const flags = ['--sub', '--name', '--roles', '--expires-in', '--secret', '--config'] as const
const revokeFlags = ['--jti', '--sub', '--db', '--postgres', '--config'] as const

/** Reads `--flag value` and `--flag=value` pairs. @throws INVALID_ARGUMENT for an unknown flag */
function readFlags(
  args: readonly string[],
  allowed: readonly string[],
  command: string,
): Map<string, string> {
  const values = new Map<string, string>()
  for (let index = 0; index < args.length; index++) {
    const [flag, inline] = args[index]!.split(/=(.*)/s, 2) as [string, string | undefined]
    if (!allowed.includes(flag)) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `unknown option ${flag} of ${command}; expected ${allowed.join(', ')}`,
      )
    }
    const value = inline ?? args[++index]
    if (value === undefined) throw new TesseraError('INVALID_ARGUMENT', `${flag} needs a value`)
    values.set(flag, value)
  }
  return values
}

/**
 * Reads `tessera token --sub ann [--name Ann] [--roles editor,admin] [--expires-in 3600]`, or
 * `tessera token revoke --jti <id> | --sub <user> [--db <file> | --postgres <url> | --config <file>]`.
 * @throws INVALID_ARGUMENT for an unknown flag, a missing --sub or secret, or a bad number
 */
export function readTokenCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readConfig: ConfigReader,
): TokenCommand | RevokeCommand {
  if (args[0] === 'revoke') return readRevokeCommand(args.slice(1), env, readConfig)
  const values = readFlags(args, flags, 'tessera token')
  const configPath = values.get('--config') ?? env.TESSERA_CONFIG
  const configured = configPath === undefined ? undefined : readConfig(configPath).auth
  const secret = values.get('--secret') ?? env.TESSERA_AUTH_SECRET ?? configured?.secret
  if (secret === undefined || secret === '') {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'tessera token needs the server secret: --secret, TESSERA_AUTH_SECRET or --config with auth.secret',
    )
  }
  const sub = values.get('--sub')
  if (sub === undefined || sub === '') {
    throw new TesseraError('INVALID_ARGUMENT', 'tessera token needs --sub <user id>')
  }
  const expiresText = values.get('--expires-in') ?? '3600'
  if (!/^\d+$/.test(expiresText) || Number(expiresText) < 1) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `--expires-in must be a whole number of seconds >= 1, got "${expiresText}"`,
    )
  }
  const issuer = env.TESSERA_AUTH_ISSUER ?? configured?.issuer
  const audience = env.TESSERA_AUTH_AUDIENCE ?? configured?.audience
  return {
    command: 'token',
    auth: {
      secret,
      ...(issuer === undefined ? {} : { issuer }),
      ...(audience === undefined ? {} : { audience }),
    },
    sub,
    name: values.get('--name'),
    roles: (values.get('--roles') ?? '')
      .split(',')
      .map((role) => role.trim())
      .filter((role) => role !== ''),
    expiresInSeconds: Number(expiresText),
  }
}

function readRevokeCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readConfig: ConfigReader,
): RevokeCommand {
  const values = readFlags(args, revokeFlags, 'tessera token revoke')
  const jti = values.get('--jti')
  const sub = values.get('--sub')
  const id = jti ?? sub
  if ((jti === undefined) === (sub === undefined) || id === '' || id === undefined) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'tessera token revoke needs --jti <token id> (one token) or --sub <user id> (every token of the user issued until now)',
    )
  }
  if (values.has('--db') && values.has('--postgres')) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      'tessera token revoke: give --db (SQLite) or --postgres (PostgreSQL), not both',
    )
  }
  const configPath = values.get('--config') ?? env.TESSERA_CONFIG
  const config = configPath === undefined ? {} : readConfig(configPath)
  const dbPath = values.get('--db') ?? env.TESSERA_DB ?? config.dbPath ?? defaultOptions.dbPath
  // An explicit --db means the SQLite file, whatever the environment says.
  const postgresUrl = values.has('--db')
    ? undefined
    : (values.get('--postgres') ?? env.TESSERA_POSTGRES_URL ?? config.postgresUrl)
  return { command: 'revoke', kind: jti === undefined ? 'user' : 'token', id, dbPath, postgresUrl }
}

/** Signs the token a `tessera token` command asks for. @throws INVALID_ARGUMENT for a short secret */
export function signTokenCommand(command: TokenCommand): Promise<string> {
  return createTokenVerifier(command.auth).sign(
    {
      id: command.sub,
      ...(command.name === undefined ? {} : { name: command.name }),
      roles: command.roles,
    },
    { expiresInSeconds: command.expiresInSeconds },
  )
}

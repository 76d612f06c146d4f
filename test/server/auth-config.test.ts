// Configuring access control: secure by default (loopback only without auth), the auth and rules
// options from the config file and the environment, and the `tessera token` command.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isTesseraError } from '../../src/index.js'
import { checkExposure, isLoopback } from '../../server/access/security.js'
import { signTokenCommand } from '../../server/token-command.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { readCliOptions } from '../../server/cli-options.js'
import { createServer } from '../../server/index.js'
import { defaultOptions, type ResolvedServerOptions } from '../../server/options.js'
import { testSecret } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'

const failure = async (run: () => unknown): Promise<string> => {
  try {
    await run()
  } catch (error) {
    return isTesseraError(error) ? `${error.code}: ${error.message}` : String(error)
  }
  return 'no error'
}

const resolved = (options: Partial<ResolvedServerOptions>): ResolvedServerOptions => ({
  ...defaultOptions,
  staticDir: false,
  logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  ...options,
})

describe('secure by default', () => {
  it('S55: without auth the server refuses a non-loopback host unless isInsecure says so', async () => {
    expect(
      await failure(() =>
        createServer({ host: '0.0.0.0', port: 0, dbPath: join(tempDir(), 'x.db') }),
      ),
    ).toMatch(/^INVALID_ARGUMENT: refusing to listen on 0.0.0.0 without auth/)
    expect(() => {
      checkExposure(resolved({ host: '0.0.0.0', isInsecure: true }), true)
    }).not.toThrow()
    expect(() => {
      checkExposure(resolved({ host: '0.0.0.0', auth: { secret: testSecret } }), true)
    }).not.toThrow()
    expect(() => {
      checkExposure(resolved({ host: '0.0.0.0' }), false)
    }).not.toThrow()
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true)
    expect(['0.0.0.0', '::', '192.168.1.2', 'example.com'].some(isLoopback)).toBe(false)
  })

  it('S55: the dev login needs a secret, and loopback unless isInsecure', async () => {
    expect(
      await failure(() => {
        checkExposure(resolved({ devLogin: true }), true)
      }),
    ).toMatch(/devLogin signs tokens, so it needs auth.secret/)
    expect(
      await failure(() => {
        checkExposure(
          resolved({ host: '0.0.0.0', devLogin: true, auth: { secret: testSecret } }),
          true,
        )
      }),
    ).toMatch(/refusing to serve the dev login on 0.0.0.0/)
  })

  it('S55: a server without auth says so when it starts; one with auth says tokens are required', async () => {
    const warnings: string[] = []
    const logger = {
      info: (message: string) => warnings.push(`info: ${message}`),
      warn: (message: string) => warnings.push(`warn: ${message}`),
      error: () => undefined,
    }
    await startServer({ logger })
    expect(warnings).toContainEqual(
      expect.stringMatching(/^warn: tessera runs without auth: .*loopback only/),
    )
    warnings.length = 0
    await startServer({ logger, auth: { secret: testSecret } })
    expect(warnings).toContain(
      'info: tessera requires signed tokens; rules decide who may do what per table',
    )
  })

  it('refuses a short secret, unknown auth keys and malformed rules, without echoing the secret', async () => {
    const short = await failure(() => createServer({ auth: { secret: 'hunter2' }, listen: false }))
    expect(short).toMatch(/^INVALID_ARGUMENT: createServer: option auth must be valid/)
    expect(short).not.toContain('hunter2')
    expect(
      await failure(() =>
        createServer({
          auth: { secret: testSecret, issuer: 'a', audiance: 'b' } as never,
          listen: false,
        }),
      ),
    ).toMatch(/unknown key auth.audiance/)
    expect(
      await failure(() =>
        createServer({ rules: { todos: { raed: ['x'] } } as never, listen: false }),
      ),
    ).toMatch(/rules.todos.raed: unknown operation/)
  })
})

describe('configuration', () => {
  it('reads auth and rules from the config file, the secret from TESSERA_AUTH_SECRET, and --insecure', () => {
    const files: Record<string, string> = {
      'tessera.json': JSON.stringify({
        auth: { issuer: 'https://login.example' },
        rules: { todos: { read: ['public'], write: ['editor'] } },
        auditRetentionMs: 86_400_000,
      }),
    }
    const command = readCliOptions(
      ['serve', '--config', 'tessera.json', '--insecure', '--host', '0.0.0.0'],
      { TESSERA_AUTH_SECRET: testSecret, TESSERA_DEV_LOGIN: 'false' },
      (path) => files[path]!,
    )
    expect(command).toEqual({
      command: 'serve',
      options: {
        auth: { issuer: 'https://login.example', secret: testSecret },
        rules: { todos: { read: ['public'], write: ['editor'] } },
        auditRetentionMs: 86_400_000,
        isInsecure: true,
        devLogin: false,
        host: '0.0.0.0',
      },
    })
  })

  it('tessera token mints a token the server accepts, with the secret from the config file', async () => {
    const files = { 'tessera.json': JSON.stringify({ auth: { secret: testSecret } }) }
    const command = readCliOptions(
      ['token', '--sub', 'ann', '--name', 'Ann', '--roles', 'editor, admin', '--expires-in=60'],
      { TESSERA_CONFIG: 'tessera.json' },
      (path) => files[path as keyof typeof files],
    )
    expect(command).toMatchObject({ command: 'token', sub: 'ann', roles: ['editor', 'admin'] })
    if (command.command !== 'token') throw new Error('expected the token command')
    const user = await createTokenVerifier({ secret: testSecret }).verify(
      await signTokenCommand(command),
    )
    expect(user).toMatchObject({ id: 'ann', name: 'Ann', roles: ['editor', 'admin'] })
    expect(user.expiresAtMs! - Date.now()).toBeLessThanOrEqual(60_000)
    expect(await failure(() => readCliOptions(['token', '--sub', 'ann'], {}, () => ''))).toMatch(
      /needs the server secret/,
    )
    expect(
      await failure(() => readCliOptions(['token', '--secret', testSecret], {}, () => '')),
    ).toMatch(/needs --sub/)
  })
})

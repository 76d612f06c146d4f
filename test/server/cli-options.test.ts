import { describe, expect, it } from 'vitest'
import { createMemoryStore, isTesseraError } from '../../src/index.js'
import { readCliOptions } from '../../server/cli-options.js'
import { createServer } from '../../server/index.js'
import { packageVersion } from '../../server/package-info.js'
import packageJson from '../../package.json' with { type: 'json' }
import { parseServerOptions } from '../../server/options.js'

const noFile = (path: string): string => {
  throw new Error(`no file ${path}`)
}

const codeOf = async (run: () => unknown): Promise<string | undefined> => {
  try {
    await run()
  } catch (error) {
    return isTesseraError(error) ? error.code : 'NOT_A_TESSERA_ERROR'
  }
  return undefined
}

describe('tessera serve options', () => {
  it('reads flags, which beat the environment, which beats the config file', () => {
    const files: Record<string, string> = {
      'conf.json': JSON.stringify({ host: '0.0.0.0', port: 1, idleUnloadMs: 5 }),
    }
    const command = readCliOptions(
      ['serve', '--port', '4000', '--db=/tmp/x.db', '--config', 'conf.json'],
      { TESSERA_PORT: '3000', TESSERA_HOST: '::1', TESSERA_CAN_CREATE_TABLES: 'false' },
      (path) => files[path]!,
    )
    expect(command).toEqual({
      command: 'serve',
      options: {
        host: '::1',
        port: 4000,
        dbPath: '/tmp/x.db',
        idleUnloadMs: 5,
        canCreateTables: false,
      },
    })
  })

  it('reads the config file named by TESSERA_CONFIG and defaults to serve', () => {
    expect(
      readCliOptions([], { TESSERA_CONFIG: 'c.json' }, () => '{"maxMessageBytes": 2048}'),
    ).toEqual({ command: 'serve', options: { maxMessageBytes: 2048 } })
    expect(readCliOptions(['serve', '--help'], {}, noFile)).toEqual({ command: 'help' })
    for (const flag of ['--version', '-v', 'version'])
      expect(readCliOptions([flag], {}, noFile)).toEqual({ command: 'version' })
    expect(packageVersion()).toBe(packageJson.version)
  })

  it('rejects unknown flags, commands, config keys and malformed numbers', async () => {
    expect(await codeOf(() => readCliOptions(['serve', '--prot', '1'], {}, noFile))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(await codeOf(() => readCliOptions(['start'], {}, noFile))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => readCliOptions(['serve', '--port', 'x'], {}, noFile))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(
      await codeOf(() => readCliOptions(['serve', '--config', 'c'], {}, () => '{"porrt": 1}')),
    ).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => readCliOptions(['serve', '--config', 'c'], {}, noFile))).toBe(
      'INVALID_ARGUMENT',
    )
  })

  it('S76: reads the rules file from --rules, TESSERA_RULES or the config key rulesPath', () => {
    expect(readCliOptions(['serve', '--rules', 'r.json'], {}, noFile)).toEqual({
      command: 'serve',
      options: { rulesPath: 'r.json' },
    })
    expect(readCliOptions([], { TESSERA_RULES: 'e.json' }, noFile)).toEqual({
      command: 'serve',
      options: { rulesPath: 'e.json' },
    })
    const config = '{"rulesPath": "c.json", "adminRoles": ["ops"]}'
    expect(readCliOptions(['serve', '--config', 'c'], {}, () => config)).toEqual({
      command: 'serve',
      options: { rulesPath: 'c.json', adminRoles: ['ops'] },
    })
  })

  it('S75: reads `tessera token revoke` with the database from --db or --postgres, the environment, the config or the default', async () => {
    expect(readCliOptions(['token', 'revoke', '--jti', 'j1', '--db', 'x.db'], {}, noFile)).toEqual({
      command: 'revoke',
      kind: 'token',
      id: 'j1',
      dbPath: 'x.db',
    })
    expect(
      readCliOptions(['token', 'revoke', '--sub=ann'], { TESSERA_DB: 'e.db' }, noFile),
    ).toEqual({ command: 'revoke', kind: 'user', id: 'ann', dbPath: 'e.db' })
    expect(
      readCliOptions(
        ['token', 'revoke', '--sub', 'ann', '--config', 'c'],
        {},
        () => '{"dbPath": "c.db"}',
      ),
    ).toMatchObject({ dbPath: 'c.db' })
    expect(readCliOptions(['token', 'revoke', '--sub', 'ann'], {}, noFile)).toMatchObject({
      dbPath: './data/tessera.db',
    })
    // With PostgreSQL the list is the one every node shares; an explicit --db wins over the env.
    const postgres = 'postgres://tessera@db/tessera'
    expect(
      readCliOptions(['token', 'revoke', '--sub', 'ann', '--postgres', postgres], {}, noFile),
    ).toMatchObject({ postgresUrl: postgres })
    expect(
      readCliOptions(
        ['token', 'revoke', '--sub', 'ann'],
        { TESSERA_POSTGRES_URL: postgres },
        noFile,
      ),
    ).toMatchObject({ postgresUrl: postgres })
    expect(
      readCliOptions(['token', 'revoke', '--sub', 'ann', '--config', 'c'], {}, () =>
        JSON.stringify({ postgresUrl: postgres }),
      ),
    ).toMatchObject({ postgresUrl: postgres })
    expect(
      readCliOptions(
        ['token', 'revoke', '--sub', 'ann', '--db', 'x.db'],
        { TESSERA_POSTGRES_URL: postgres },
        noFile,
      ),
    ).toMatchObject({ dbPath: 'x.db', postgresUrl: undefined })
    for (const args of [
      [],
      ['--jti', 'a', '--sub', 'b'],
      ['--sub', ''],
      ['--user', 'a'],
      ['--sub', 'a', '--db', 'x.db', '--postgres', postgres],
    ]) {
      expect(await codeOf(() => readCliOptions(['token', 'revoke', ...args], {}, noFile))).toBe(
        'INVALID_ARGUMENT',
      )
    }
  })

  it('S102: reads --history-retention as a duration from the flag, TESSERA_HISTORY_RETENTION or the config', async () => {
    const retentionOf = (argv: string[], env: Record<string, string> = {}, file = '{}') => {
      const command = readCliOptions(['serve', ...argv], env, () => file)
      return command.command === 'serve' ? command.options.historyRetentionMs : undefined
    }
    expect(retentionOf(['--history-retention', '7d'])).toBe(7 * 24 * 3600 * 1000)
    expect(retentionOf(['--history-retention=90m'])).toBe(90 * 60 * 1000)
    expect(retentionOf([], { TESSERA_HISTORY_RETENTION: '12h' })).toBe(12 * 3600 * 1000)
    expect(retentionOf(['--history-retention', '0'])).toBe(0)
    expect(retentionOf(['--history-retention', '500ms'])).toBe(500)
    const config = '{"historyRetentionMs": 60000}'
    expect(retentionOf(['--config', 'c'], {}, config)).toBe(60_000)
    expect(retentionOf([])).toBeUndefined()
    expect(parseServerOptions({}, false).historyRetentionMs).toBe(30 * 24 * 3600 * 1000)
    for (const text of ['30', '1w', '-1d', '1.5h', 'd', '']) {
      expect(
        await codeOf(() => readCliOptions(['serve', `--history-retention=${text}`], {}, noFile)),
      ).toBe('INVALID_ARGUMENT')
    }
    expect(await codeOf(() => createServer({ historyRetentionMs: -1 }))).toBe('INVALID_ARGUMENT')
  })

  it('createServer rejects unknown and invalid options with INVALID_ARGUMENT', async () => {
    expect(await codeOf(() => createServer({ prot: 1 } as never))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => createServer({ port: -1 }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => createServer({ maxMessageBytes: 10 }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => createServer({ adminRoles: [''] }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => createServer({ rulesPath: '/nonexistent/rules.json' }))).toBe(
      'INVALID_ARGUMENT',
    )
  })

  it('reads --postgres and --redis, or TESSERA_POSTGRES_URL and TESSERA_REDIS_URL', () => {
    const postgres = 'postgres://tessera:secret@db:5432/tessera'
    expect(
      readCliOptions(['serve', '--postgres', postgres, '--redis=redis://cache:6379'], {}, noFile),
    ).toEqual({
      command: 'serve',
      options: { postgresUrl: postgres, redisUrl: 'redis://cache:6379' },
    })
    expect(
      readCliOptions(
        ['serve'],
        { TESSERA_POSTGRES_URL: postgres, TESSERA_REDIS_URL: 'rediss://cache:6380' },
        noFile,
      ),
    ).toEqual({
      command: 'serve',
      options: { postgresUrl: postgres, redisUrl: 'rediss://cache:6380' },
    })
  })

  it('createServer refuses Redis without a shared store, and never echoes a URL it refuses', async () => {
    expect(await codeOf(() => createServer({ redisUrl: 'redis://127.0.0.1:1' }))).toBe(
      'INVALID_ARGUMENT',
    )
    const refused: unknown = await createServer({ postgresUrl: 'mysql://root:hunter2@db' }).catch(
      (error: unknown) => error,
    )
    expect(isTesseraError(refused, 'INVALID_ARGUMENT')).toBe(true)
    expect((refused as Error).message).not.toContain('hunter2')
    expect(
      await codeOf(() =>
        createServer({ postgresUrl: 'postgres://a@b/c', store: createMemoryStore() }),
      ),
    ).toBe('INVALID_ARGUMENT')
  })

  it('createServer fails with STORAGE_FAILURE when Redis cannot be reached', async () => {
    expect(
      await codeOf(() =>
        createServer({ store: createMemoryStore(), redisUrl: 'redis://127.0.0.1:1' }),
      ),
    ).toBe('STORAGE_FAILURE')
  })
})

import { describe, expect, it } from 'vitest'
import { isTesseraError } from '../../src/index.js'
import { readCliOptions } from '../../server/cli-options.js'
import { createServer } from '../../server/index.js'
import { packageVersion } from '../../server/package-info.js'
import packageJson from '../../package.json' with { type: 'json' }

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

  it('createServer rejects unknown and invalid options with INVALID_ARGUMENT', async () => {
    expect(await codeOf(() => createServer({ prot: 1 } as never))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => createServer({ port: -1 }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => createServer({ maxMessageBytes: 10 }))).toBe('INVALID_ARGUMENT')
  })
})

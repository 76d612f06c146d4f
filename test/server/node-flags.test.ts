// S280: `npm start` and `npm run start:auth` start Node with the flags server/node-flags.ts
// names, and the `tessera` command says which of them a process was started without.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { missingNodeFlags, serverNodeFlags } from '../../server/node-flags.js'
import { bundleEntry } from '../helpers/child-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const root = join(import.meta.dirname, '..', '..')
const flags = serverNodeFlags.join(' ')

describe('S280: the server’s Node flags', () => {
  it('are passed by the start scripts', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    for (const name of ['start', 'start:auth'])
      expect(scripts[name]).toContain(`node ${flags} dist/server/main.js serve`)
  })

  it('are missing only when neither the command line nor NODE_OPTIONS names them', () => {
    expect(missingNodeFlags([])).toEqual(['--max-semi-space-size=32'])
    expect(missingNodeFlags(['--max-semi-space-size=32'])).toEqual([])
    expect(missingNodeFlags(['--inspect'], ' --max-semi-space-size=32 ')).toEqual([])
    expect(missingNodeFlags(['--max-old-space-size=64'], '--enable-source-maps')).toEqual([
      '--max-semi-space-size=32',
    ])
  })

  it('are named by a server started without them, and not by one started with them', async () => {
    const entry = await bundleEntry('server/main.ts', 'node-flags-test')
    for (const [nodeArgs, isNamed] of [
      [[], true],
      [serverNodeFlags, false],
      [['--max-semi-space-size=16'], false],
    ] as const) {
      const db = join(tempDir(), 'flags.db')
      const child = spawn(
        process.execPath,
        [...nodeArgs, entry, 'serve', '--port', '0', '--db', db],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, NODE_OPTIONS: '' },
        },
      )
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const closed = new Promise((resolve) => child.once('close', resolve))
      await waitFor(() => output.includes('serving on'), { what: 'the server to listen' })
      // The notice is printed before "serving on": by then it is there or never.
      child.kill('SIGTERM')
      await closed
      expect(output.includes(`started without ${flags}`), output).toBe(isNamed)
    }
  })
})

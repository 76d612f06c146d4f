// S280: the `tessera` command (its shebang), `npm start` and `npm run start:auth` start Node with
// the same flags, those server/node-flags.ts names.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { serverNodeFlags } from '../../server/node-flags.js'

const root = join(import.meta.dirname, '..', '..')
const flags = serverNodeFlags.join(' ')

describe('S280: the server’s Node flags', () => {
  it('are on the tessera command’s shebang line', () => {
    const firstLine = readFileSync(join(root, 'server', 'main.ts'), 'utf8').split('\n')[0]
    expect(firstLine).toBe(`#!/usr/bin/env -S node ${flags}`)
  })

  it('are passed by the start scripts', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    for (const name of ['start', 'start:auth'])
      expect(scripts[name]).toContain(`node ${flags} dist/server/main.js serve`)
  })
})

// The layer rules of eslint.config.js fail where they should (STYLE.md 2.1, docs/architecture.md):
// client/ and server/ reach src/ only through index.js and internal.js, at any folder depth, and
// src/ imports no Node module, no other package and neither client/ nor server/.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
let eslint: ESLint

/** A .ts file of the project one folder below `dir` (e.g. server/http/app.ts). */
function nestedFile(dir: string): string {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const file = readdirSync(join(root, dir, entry.name)).find((name) => name.endsWith('.ts'))
    if (file !== undefined) return `${dir}/${entry.name}/${file}`
  }
  throw new Error(`no nested .ts file under ${dir}`)
}

/**
 * The no-restricted-imports messages for `source` imported from the file at `path`. The text is
 * linted as if it were that file: an existing one, so the type-aware parser knows its project.
 */
async function refusals(path: string, source: string): Promise<string[]> {
  const code = `import * as imported from '${source}'\nexport const value: unknown = imported\n`
  const [result] = await eslint.lintText(code, { filePath: join(root, path) })
  return result!.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message)
}

describe('layer rules', () => {
  beforeAll(() => {
    eslint = new ESLint({ cwd: root })
  })

  const coreEntry = /Import the core through src\/index\.js/
  const sides = [
    ['client', 'client/index.ts', '../src'],
    ['client', 'client/demo/grid.ts', '../../src'],
    ['server', 'server/index.ts', '../src'],
    ['server', nestedFile('server'), '../../src'],
  ] as const

  it.each(sides)(
    '%s: a deep import into src/ from %s fails',
    async (_side, path, src) => {
      for (const deep of ['table.js', 'query/live-query.js', 'ports/store.js', 'query/index.js']) {
        expect(await refusals(path, `${src}/${deep}`), `${path} importing ${deep}`).toEqual([
          expect.stringMatching(coreEntry),
        ])
      }
    },
    120_000,
  )

  it.each(sides)(
    '%s: %s may import src/index.js and src/internal.js',
    async (_side, path, src) => {
      expect(await refusals(path, `${src}/index.js`)).toEqual([])
      expect(await refusals(path, `${src}/internal.js`)).toEqual([])
    },
    120_000,
  )

  it('src/ may not import Node modules, other packages, client/ or server/', async () => {
    for (const [path, source] of [
      ['src/table.ts', 'node:fs'],
      ['src/table.ts', 'fs'],
      ['src/table.ts', 'ws'],
      ['src/table.ts', 'react'],
      ['src/table.ts', '../client/index.js'],
      ['src/table.ts', '../server/index.js'],
      ['src/query/live-query.ts', '../../server/room.js'],
      ['src/query/live-query.ts', '../../test/helpers/wait-for.js'],
    ]) {
      expect(await refusals(path!, source!), `${path} importing ${source}`).toHaveLength(1)
    }
    for (const [path, source] of [
      ['src/table.ts', 'yjs'],
      ['src/table.ts', 'lib0/encoding'],
      ['src/table.ts', 'y-protocols/sync'],
      ['src/table.ts', 'fractional-indexing'],
      ['src/table.ts', './row.js'],
      ['src/query/live-query.ts', '../row.js'],
    ]) {
      expect(await refusals(path!, source!), `${path} importing ${source}`).toEqual([])
    }
  }, 120_000)

  it('client/ may not import Node modules or server/; server/ may not import client/', async () => {
    for (const [path, source] of [
      ['client/index.ts', 'node:fs'],
      ['client/index.ts', 'ws'],
      ['client/index.ts', '../server/index.js'],
      ['server/index.ts', '../client/index.js'],
      [nestedFile('server'), '../../client/index.js'],
    ]) {
      expect(await refusals(path!, source!), `${path} importing ${source}`).toHaveLength(1)
    }
  }, 120_000)
})

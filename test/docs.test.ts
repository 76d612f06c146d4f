// Docs stay true: every semantics rule has a test citing it, every error code is documented.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { errorCodes } from '../src/internal.js'

const root = join(import.meta.dirname, '..')
const testSources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return testSources(path)
    return entry.name.endsWith('.ts') ? [readFileSync(path, 'utf8')] : []
  })

describe('docs', () => {
  it('every rule in docs/semantics.md is cited by a test name', () => {
    const rules = [
      ...readFileSync(join(root, 'docs/semantics.md'), 'utf8').matchAll(/\*\*(S\d+)( —|:)/g),
    ].map((match) => match[1]!)
    expect(rules.length).toBeGreaterThan(10)
    const sources = testSources(join(root, 'test')).join('\n')
    const uncited = rules.filter((rule) => !sources.includes(`'${rule}: `))
    expect(uncited).toEqual([])
  })

  it('every error code is described in docs/errors.md', () => {
    const errors = readFileSync(join(root, 'docs/errors.md'), 'utf8')
    expect(errorCodes.filter((code) => !errors.includes(`\`${code}\``))).toEqual([])
  })
})

// Runs the ```ts examples of docs/queries.md in order, as one program: a `// -> value` line
// checks the value printed by the console.log just before it (TinyBase's convention).
import { readFileSync } from 'node:fs'
import { transformSync } from 'esbuild'
import { describe, expect, it } from 'vitest'
import * as tessera from '../../src/index.js'

const markdown = readFileSync(new URL('../../docs/queries.md', import.meta.url), 'utf8')
const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)

function toProgram(source: string): string {
  return source
    .split('\n')
    .filter((line) => !/^import .* from 'tessera'$/.test(line))
    .map((line) => {
      const expected = /^(\s*)\/\/ -> (.*)$/.exec(line)
      if (expected !== null) return `${expected[1]}__expect(${expected[2]})`
      return line.replace(/console\.log\(/g, '__log(')
    })
    .join('\n')
}

describe('docs/queries.md', () => {
  it('has examples with expected values', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    expect(blocks.join('\n').match(/\/\/ -> /g)?.length).toBeGreaterThanOrEqual(10)
  })

  it('S24: every ts example runs and prints what the docs say', () => {
    const { code } = transformSync(blocks.map(toProgram).join('\n'), { loader: 'ts' })
    let last: unknown
    let checks = 0
    const log = (...values: unknown[]): void => {
      last = values.length === 1 ? values[0] : values
    }
    const check = (expected: unknown): void => {
      expect(last).toEqual(expected)
      checks++
    }
    const names = Object.keys(tessera)
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function('__log', '__expect', ...names, code) as (...args: unknown[]) => void
    run(log, check, ...names.map((name) => (tessera as Record<string, unknown>)[name]))
    expect(checks).toBe(blocks.join('\n').match(/\/\/ -> /g)!.length)
  })
})

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

function runProgram(
  source: string,
  log: (...values: unknown[]) => void,
  check: (expected: unknown) => void,
): void {
  const { code } = transformSync(source, { loader: 'ts' })
  const names = Object.keys(tessera)
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function('__log', '__expect', ...names, code) as (...args: unknown[]) => void
  run(log, check, ...names.map((name) => (tessera as Record<string, unknown>)[name]))
}

describe('docs/queries.md', () => {
  it('has examples with expected values', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    expect(blocks.join('\n').match(/\/\/ -> /g)?.length).toBeGreaterThanOrEqual(10)
  })

  it('S24: every ts example runs and prints what the docs say', () => {
    let last: unknown
    let checks = 0
    const log = (...values: unknown[]): void => {
      last = values.length === 1 ? values[0] : values
    }
    const check = (expected: unknown): void => {
      expect(last).toEqual(expected)
      checks++
    }
    runProgram(blocks.map(toProgram).join('\n'), log, check)
    expect(checks).toBe(blocks.join('\n').match(/\/\/ -> /g)!.length)
  })
})

describe('README.md', () => {
  it('S25 S26: the live query example runs: one diff for its insert, one for its window change', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Live queries'))
    const block = /```ts\n([\s\S]*?)```/.exec(section)![1]!
    const logged: unknown[][] = []
    runProgram(
      toProgram(block),
      (...values) => logged.push(values),
      () => undefined,
    )
    expect(logged).toHaveLength(2)
    expect(logged[0]![0]).toMatchObject([{ index: 0, row: { title: 'write the docs' } }])
    expect(logged[1]![1]).toMatchObject([{ index: 0 }])
  })
})

// Runs the ```ts examples of docs/client.md in order, as one Node program against a real server
// on loopback: a `// -> value` line checks the value printed by the console.log just before it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it, onTestFinished } from 'vitest'
import { startServer } from './helpers.js'

const root = join(import.meta.dirname, '../..')
const markdown = readFileSync(join(root, 'docs/client.md'), 'utf8')
const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)
const expectations = blocks.join('\n').match(/^\s*\/\/ -> /gm)?.length ?? 0

/** The doc's code as one module: the SDK from source, the test's server, checks wired in. */
function toProgram(url: string): string {
  const body = blocks
    .join('\n')
    .replaceAll('ws://127.0.0.1:1234', url)
    .replaceAll("from 'tessera/client'", `from '${join(root, 'client/index.ts')}'`)
    .replaceAll("from 'tessera'", `from '${join(root, 'src/index.ts')}'`)
    .split('\n')
    .map((line) => {
      const expected = /^(\s*)\/\/ -> (.*)$/.exec(line)
      if (expected !== null) return `${expected[1]}__docs.check(${expected[2]})`
      return line.replace(/console\.log\(/g, '__docs.log(')
    })
    .join('\n')
  return `const __docs = (globalThis as any).__clientDocs\n${body}\n`
}

it('has examples with expected values for every section', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(7)
  expect(expectations).toBeGreaterThanOrEqual(10)
  for (const name of ['connectTable(', 'createClient(', 'presence', 'undo()', 'conflicts'])
    expect(
      blocks.some((block) => block.includes(name)),
      name,
    ).toBe(true)
})

it('S43 S44 S45 S46: every ts example of docs/client.md runs against a real server and prints what the doc says', async () => {
  const server = await startServer()
  const dir = join(root, 'test-results/client-docs')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `program-${process.pid}.ts`)
  writeFileSync(file, toProgram(server.url))
  onTestFinished(() => rmSync(file, { force: true }))
  let last: unknown
  let checks = 0
  const docs = {
    log: (...values: unknown[]) => {
      last = values.length === 1 ? values[0] : values
    },
    check: (expected: unknown) => {
      expect(last).toEqual(expected)
      checks++
    },
  }
  Object.assign(globalThis, { __clientDocs: docs })
  onTestFinished(() => {
    Reflect.deleteProperty(globalThis, '__clientDocs')
  })
  await import(file)
  expect(checks).toBe(expectations)
})

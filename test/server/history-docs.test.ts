// The shell examples of docs/history.md ("Try it") and docs/operations.md ("Backup and
// point-in-time recovery") run as written, in bash, against a real server and the real CLI:
// a `# -> text` line checks that the command before it printed `text`.
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { call } from '../helpers/auth.js'
import { cliFile } from '../helpers/cli.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'

const root = join(import.meta.dirname, '../..')

/** The ```sh blocks of one section of a doc (from its heading to the next `## `). */
const shellBlocks = (doc: string, heading: string): string[] => {
  const text = readFileSync(join(root, 'docs', doc), 'utf8')
  const start = text.indexOf(`## ${heading}`)
  const end = text.indexOf('\n## ', start + 1)
  const section = text.slice(start, end === -1 ? undefined : end)
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!)
}

/** The blocks as one bash script: each command's output is printed and checked by `# ->`. */
const toScript = (blocks: string[], url: string): string => {
  const lines = blocks
    .join('\n')
    .replaceAll('http://127.0.0.1:1234', url)
    .replace(/\\\n\s*/g, '')
  const script = [
    'set -eu',
    'check() { case "$out" in *"$1"*) ;; *) echo "expected: $1" >&2; exit 1;; esac; }',
  ]
  for (const line of lines.split('\n')) {
    const expected = /^# -> (.*)$/.exec(line)
    if (expected !== null) script.push(`check ${JSON.stringify(expected[1])}`)
    else if (/^[A-Z_]+=/.test(line)) script.push(line)
    else if (line.trim() !== '' && !line.startsWith('#'))
      script.push(`out=$(${line.replace(/\s+#.*$/, '')}); printf '%s\\n' "$out"`)
  }
  return script.join('\n')
}

/** Runs a script in `cwd` with a `tessera` command on the PATH (the bundled CLI). */
const runScript = async (script: string, cwd: string, env: Record<string, string> = {}) => {
  const bin = join(cwd, 'bin')
  mkdirSync(bin, { recursive: true })
  writeFileSync(
    join(bin, 'tessera'),
    `#!/bin/sh\nexec "${process.execPath}" "${await cliFile()}" "$@"\n`,
  )
  chmodSync(join(bin, 'tessera'), 0o755)
  const child = spawn('bash', ['-c', script], {
    cwd,
    env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH ?? ''}` },
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, output }
}

/** A server whose database is `./data/tessera.db` in a fresh folder, as in the docs. */
const serverInFolder = async (): Promise<{ server: TestServer; cwd: string }> => {
  const cwd = tempDir()
  const server = await startServer({ dbPath: join(cwd, 'data', 'tessera.db') })
  return { server, cwd }
}

it('S103 S104 S106: the "Try it" commands of docs/history.md run and print what it says', async () => {
  const { server, cwd } = await serverInFolder()
  const blocks = shellBlocks('history.md', 'Try it')
  expect(blocks.join('\n')).toContain('# ->')
  const { code, output } = await runScript(toScript(blocks, server.url), cwd)
  expect(output).not.toMatch(/expected:/)
  expect(code).toBe(0)
})

it('S108 S109: the backup and restore commands of docs/operations.md run as written', async () => {
  const { server, cwd } = await serverInFolder()
  await call(server, 'POST', '/tables', { body: { name: 'todos', columns: [] } })
  const blocks = shellBlocks('operations.md', 'Backup and point-in-time recovery')
  const { code, output } = await runScript(toScript(blocks, server.url), cwd, {
    BEFORE_THE_MISTAKE: new Date().toISOString(),
  })
  expect(output).not.toMatch(/expected:/)
  expect(code).toBe(0)
  expect(output).toMatch(/restored 1 table\(s\) into restored\/pitr\.db, as of/)
})

it('S110 S111: the CLI commands of docs/csv.md run as written and print what it says', async () => {
  const { server, cwd } = await serverInFolder()
  const columns = [
    { name: 'title', type: 'string' },
    { name: 'done', type: 'boolean', default: false },
  ]
  await call(server, 'POST', '/tables', { body: { name: 'todos', columns } })
  await call(server, 'POST', '/tables/todos/rows', {
    body: [{ title: 'a' }, { title: 'b, with a comma', done: true }, { title: 'c' }],
  })
  const blocks = shellBlocks('csv.md', 'CLI')
  const { code, output } = await runScript(toScript(blocks, server.url), cwd, {
    TESSERA_URL: server.url,
  })
  expect(output).not.toMatch(/expected:/)
  expect(code).toBe(0)
  expect(readFileSync(join(cwd, 'open.csv'), 'utf8').split('\r\n')).toHaveLength(4)
  const copy = await call(server, 'GET', '/tables/todos_copy/rows')
  expect(copy.body.rows.map((row: { title: string }) => row.title)).toEqual([
    'a',
    'b, with a comma',
    'c',
  ])
})

// The package as people get it: `npm pack`, then a fresh project outside the repository installs
// the tarball (offline, from npm's cache) and uses it from Node (server, client, core, the CLI),
// type-checks against it with tsc, and bundles tessera/client and tessera/react for a browser
// with esbuild; the bundle runs in Chromium against the installed server.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium, repoRoot } from './demo-server.js'
import { createFreshProject, type FreshProject } from './fresh-project.js'
import { waitFor } from '../helpers/wait-for.js'

const nodeApp = `import { WebSocket } from 'ws'
import { createTable, type Row } from 'tessera'
import { connectTable, type Connection } from 'tessera/client'

const url = process.argv[2]!
const local = createTable({ columns: [{ name: 'title', type: 'string' }] })
local.insertRow({ title: 'core works' })
const conn: Connection = connectTable({
  url,
  table: 'todos',
  columns: [
    { name: 'title', type: 'string' },
    { name: 'done', type: 'boolean', default: false },
  ],
  WebSocket,
})
await conn.whenSynced()
conn.table.insertRow({ title: 'from Node' })
await conn.whenSaved()
const response = await fetch(url + '/tables/todos/rows')
const rest = (await response.json()) as { rows: Row[] }
console.log(JSON.stringify({ core: local.listRows().map((r) => r.title), rest: rest.rows.map((r) => r.title) }))
await conn.close()
`

const serverApp = `import { createServer, type Server } from 'tessera/server'

const server: Server = await createServer({
  host: '127.0.0.1',
  port: 0,
  dbPath: process.argv[2]!,
  staticDir: process.argv[3]!,
})
console.log('serving on ' + server.url)
process.on('SIGTERM', () => {
  server.close().then(() => process.exit(0), () => process.exit(1))
})
`

/** The React example of docs/client.md, as it is. */
const webApp = /```tsx\n([\s\S]*?)```/.exec(
  readFileSync(join(repoRoot, 'docs/client.md'), 'utf8'),
)![1]!

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    skipLibCheck: false,
    jsx: 'react-jsx',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: ['node'],
    outDir: 'out',
  },
  include: ['src'],
}

let browser: Browser
let dir: string
let project: FreshProject
let server: ChildProcess | undefined

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-fresh-'))
  const tarball = packInStage(dir)
  project = createFreshProject(join(dir, 'app'), repoRoot, tarball, [
    'ws',
    'react',
    'react-dom',
    'typescript',
    'esbuild',
    '@types/node',
    '@types/react',
    '@types/react-dom',
  ])
  browser = await launchChromium()
}, 600_000)

afterAll(async () => {
  server?.kill('SIGTERM')
  await browser?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

/**
 * Runs `npm pack` on a copy of the sources in `dir` (its prepack script builds into the copy's
 * own dist/, so the tests running meanwhile keep theirs) and returns the tarball's path.
 */
function packInStage(dir: string): string {
  const stage = join(dir, 'stage')
  for (const entry of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'README.md',
    'src',
    'client',
    'server',
  ])
    cpSync(join(repoRoot, entry), join(stage, entry), { recursive: true })
  symlinkSync(join(repoRoot, 'node_modules'), join(stage, 'node_modules'))
  const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: stage,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const [{ filename }] = JSON.parse(packed.slice(packed.indexOf('['))) as [{ filename: string }]
  return join(dir, filename)
}

/** Starts the fresh project's server (the installed package) and resolves with its URL. */
function startServer(): Promise<string> {
  const child = spawn(process.execPath, ['out/server.js', 'data.db', 'web'], { cwd: project.dir })
  server = child
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return waitFor(() => /serving on (\S+)/.test(output), {
    timeoutMs: 60_000,
    what: 'the server',
  }).then(() => /serving on (\S+)/.exec(output)![1]!)
}

it('a fresh project installs the packed tarball and uses it from Node, tsc, the CLI and a browser bundle', async () => {
  const app = project.dir
  const run = (command: string, args: string[]) => project.run(command, args)
  mkdirSync(join(app, 'src'), { recursive: true })
  mkdirSync(join(app, 'web'), { recursive: true })
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  writeFileSync(join(app, 'src/node-app.ts'), nodeApp)
  writeFileSync(join(app, 'src/server.ts'), serverApp)
  writeFileSync(join(app, 'src/web-app.tsx'), webApp)
  writeFileSync(
    join(app, 'web/index.html'),
    '<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="main.js"></script>',
  )
  // Types: strict, and the package's own declarations checked too (no skipLibCheck).
  run(join(app, 'node_modules/.bin/tsc'), ['-p', '.'])
  // A browser bundle of tessera/client and tessera/react: nothing of the server in it.
  run(join(app, 'node_modules/.bin/esbuild'), [
    'src/web-app.tsx',
    '--bundle',
    '--format=esm',
    '--jsx=automatic',
    '--define:process.env.NODE_ENV="production"',
    '--outfile=web/main.js',
    '--metafile=meta.json',
    '--log-level=warning',
  ])
  const inputs = Object.keys(
    (JSON.parse(readFileSync(join(app, 'meta.json'), 'utf8')) as { inputs: object }).inputs,
  )
  expect(inputs.some((input) => input.includes('node_modules/tessera/dist/client/react/'))).toBe(
    true,
  )
  expect(
    inputs.filter((input) =>
      /tessera\/dist\/server|better-sqlite3|express|node_modules\/ws\//.test(input),
    ),
  ).toEqual([])

  expect(run('npx', ['tessera', '--version']).trim()).toMatch(/^tessera \d+\.\d+\.\d+$/)
  const url = await startServer()
  const node = JSON.parse(run(process.execPath, ['out/node-app.js', url])) as {
    core: string[]
    rest: string[]
  }
  expect(node).toEqual({ core: ['core works'], rest: ['from Node'] })

  // docs/getting-started.md, word for word but for the server's address.
  const markdown = readFileSync(join(repoRoot, 'docs/getting-started.md'), 'utf8')
  const example = /```ts\n([\s\S]*?)```/.exec(markdown)![1]!
  writeFileSync(
    join(app, 'getting-started.mjs'),
    example.replace('ws://127.0.0.1:1234', url.replace(/^http/, 'ws')),
  )
  expect(run(process.execPath, ['getting-started.mjs'])).toContain(
    "title: 'try tessera', done: true",
  )

  const page = await browser.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  await page.goto(url)
  const todos = page.locator('#todos li')
  await waitFor(async () => (await todos.count()) === 1, {
    timeoutMs: 30_000,
    what: 'the row from Node',
  })
  expect(await todos.allTextContents()).toEqual(['from Node'])
  await waitFor(
    async () =>
      /^synced, all saved, 1 open$/.test((await page.locator('#state').textContent()) ?? ''),
    {
      timeoutMs: 30_000,
      what: 'the synced state',
    },
  )
  await page.click('button:has-text("Add")')
  await waitFor(async () => (await todos.count()) === 2, {
    timeoutMs: 30_000,
    what: 'the added row',
  })
  await waitFor(
    async () => (await page.locator('#state').textContent())?.includes('all saved') === true,
    {
      what: 'the saved row',
    },
  )
  const rows = (await (await fetch(`${url}/tables/todos/rows`)).json()) as {
    rows: { title: string }[]
  }
  expect(rows.rows.map((row) => row.title).sort()).toEqual([
    'added in the browser',
    'from Node',
    'try tessera',
  ])
}, 300_000)

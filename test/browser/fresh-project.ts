// A fresh npm project outside the repository that depends on Tessera's packed tarball, installed
// without the network: its package-lock.json is made from the repository's own (the same
// versions and integrity hashes, so `npm ci --offline` finds every tarball in npm's cache).
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

type LockEntry = Record<string, unknown> & {
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}

interface Lock {
  packages: Record<string, LockEntry>
}

/** Where `name` resolves from the package at `from` ('' is the root), as Node looks it up. */
function resolveIn(lock: Lock, from: string, name: string): string | undefined {
  let base = from
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`
    if (lock.packages[candidate] !== undefined) return candidate
    if (base === '') return undefined
    const cut = base.lastIndexOf('/node_modules/')
    base = cut === -1 ? '' : base.slice(0, cut)
  }
}

/** The registry address of a package's tarball (`@scope/name/-/name-1.0.0.tgz`). */
function tarballUrl(path: string, version: string): string {
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
  const base = name.slice(name.lastIndexOf('/') + 1)
  return `https://registry.npmjs.org/${name}/-/${base}-${version}.tgz`
}

/** The repository's lock entries that installing `names` (with their own dependencies) needs. */
function closure(lock: Lock, roots: Record<string, string>): Record<string, LockEntry> {
  const picked: Record<string, LockEntry> = {}
  const queue: [string, string][] = Object.keys(roots).map((name) => ['', name])
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const [from, name] = next
    const path = resolveIn(lock, from, name)
    if (path === undefined || picked[path] !== undefined) continue
    // Flags of the repository's tree (dev-only, peer) mean nothing in the fresh project.
    const entry = { ...lock.packages[path]! }
    for (const flag of ['dev', 'devOptional', 'peer']) Reflect.deleteProperty(entry, flag)
    // With the tarball's address npm takes it from its cache by integrity; without one it
    // asks the registry for the package's metadata first, which --offline does not allow.
    picked[path] = { resolved: tarballUrl(path, entry.version as string), ...entry }
    for (const dependency of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
      queue.push([path, dependency])
  }
  return picked
}

export interface FreshProject {
  readonly dir: string
  /** Runs a command in the project; returns its standard output. */
  run(command: string, args: string[], env?: Record<string, string>): string
}

/**
 * Creates the project in `dir` with `dependencies` (registry packages at the versions the
 * repository locked) plus `tessera` from `tarball`, and installs them offline. Install scripts
 * do not run: better-sqlite3's native addon is the one the repository built (the same version
 * and Node), as a prebuilt download would be.
 */
export function createFreshProject(
  dir: string,
  repoRoot: string,
  tarball: string,
  dependencies: readonly string[],
): FreshProject {
  mkdirSync(dir, { recursive: true })
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as Lock
  const packed = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
  ) as { version: string; dependencies: Record<string, string>; peerDependencies?: object }
  const tarballName = 'tessera.tgz'
  copyFileSync(tarball, join(dir, tarballName))
  const versions: Record<string, string> = {}
  for (const name of dependencies) {
    const entry = lock.packages[`node_modules/${name}`]
    if (entry === undefined) throw new Error(`${name} is not in the repository's lockfile`)
    versions[name] = entry.version as string
  }
  const rootDependencies = { ...versions, tessera: `file:${tarballName}` }
  const manifest = { name: 'fresh-app', version: '1.0.0' }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { ...manifest, private: true, type: 'module', dependencies: rootDependencies },
      null,
      2,
    ),
  )
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`
  const packages: Record<string, LockEntry> = {
    '': { ...manifest, dependencies: rootDependencies },
    'node_modules/tessera': {
      version: packed.version,
      resolved: `file:${tarballName}`,
      integrity,
      dependencies: packed.dependencies,
      ...(packed.peerDependencies === undefined
        ? {}
        : { peerDependencies: packed.peerDependencies }),
      bin: { tessera: 'dist/server/main.js' },
    },
    ...closure(lock, { ...packed.dependencies, ...versions }),
  }
  const lockfile = {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages,
  }
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lockfile, null, 2))
  const run = (command: string, args: string[], env: Record<string, string> = {}): string => {
    try {
      return execFileSync(command, args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
      throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error })
    }
  }
  run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'])
  const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
  mkdirSync(join(dir, 'node_modules/better-sqlite3/build/Release'), { recursive: true })
  copyFileSync(join(repoRoot, addon), join(dir, addon))
  return { dir, run }
}

// Runs a server in a child process (the kill -9 test, the benchmarks): bundles a TypeScript
// entry with esbuild into dist/, spawns it, and waits for it to print "serving on <url>".
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { serverNodeFlags } from '../../server/node-flags.js'
import { waitFor } from './wait-for.js'

const root = join(import.meta.dirname, '..', '..')

/** Bundles `entry` (a path from the package root) to dist/<name>/main.mjs; returns that path. */
export async function bundleEntry(entry: string, name: string): Promise<string> {
  const outfile = join(root, 'dist', name, 'main.mjs')
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  })
  return outfile
}

export interface ChildServer {
  readonly child: ChildProcess
  readonly url: string
  readonly wsUrl: string
  /** Resident set size of the child, in bytes (Linux /proc). */
  rssBytes(): number
  /** Kills the child with the signal (default SIGKILL) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Resolves once the child exited by itself (e.g. a crash hook killed it). */
  whenExited(): Promise<void>
}

/** Spawns `node <file> ...args` and waits until it prints "serving on http://…". */
export async function startChildServer(
  file: string,
  args: readonly string[],
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<ChildServer> {
  // Started as the `tessera` command starts (S280); a later flag in nodeArgs overrides them.
  const child = spawn(process.execPath, [...serverNodeFlags, ...nodeArgs, file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const pattern = /serving on (http:\/\/\S+)/
  await waitFor(() => pattern.test(output) || child.exitCode !== null, {
    what: 'the child server to listen',
    timeoutMs: 30_000,
  })
  const url = pattern.exec(output)?.[1]
  if (url === undefined) throw new Error(`the child server did not start:\n${output}`)
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null
  return {
    child,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024
    },
    async stop(signal = 'SIGKILL') {
      if (!hasExited()) child.kill(signal)
      await waitFor(hasExited, { what: 'the child server to exit', timeoutMs: 30_000 })
    },
    whenExited: () => waitFor(hasExited, { what: 'the child server to exit', timeoutMs: 30_000 }),
  }
}

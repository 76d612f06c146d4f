// Runs a Tessera server in a child process (bundled from source with esbuild) so tests can
// kill -9 it; resolves with its WebSocket URL once it prints "serving on".
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { build } from 'esbuild'
import { onTestFinished } from 'vitest'
import { waitFor } from './wait-for.js'

const root = join(import.meta.dirname, '..', '..')

/** Bundles `source` (relative to the repository root) into dist/ and returns the bundle's path. */
export async function bundleEntry(source: string, name: string): Promise<string> {
  const outfile = join(root, 'dist', 'test-child', `${name}.mjs`)
  await build({
    entryPoints: [join(root, source)],
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
  readonly wsUrl: string
  /** Everything the child printed. */
  output(): string
  /** Sends SIGKILL and resolves once the process is gone. */
  kill(): Promise<void>
  /** Resolves once the process exited by itself (e.g. a crash hook). */
  whenExited(): Promise<void>
}

/** Starts `node <entry> ...args`; the child is killed when the test finishes. */
export async function startChildServer(entry: string, args: string[]): Promise<ChildServer> {
  const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null
  await waitFor(() => /serving on (http:\S+)/.test(output) || hasExited(), {
    what: 'the child server to listen',
  })
  const url = /serving on (http:\S+)/.exec(output)?.[1]
  if (url === undefined) throw new Error(`the child server did not start:\n${output}`)
  const whenExited = (): Promise<void> =>
    waitFor(hasExited, { what: 'the child server to exit', timeoutMs: 30_000 })
  return {
    child,
    wsUrl: url.replace(/^http/, 'ws'),
    output: () => output,
    async kill() {
      child.kill('SIGKILL')
      await whenExited()
    },
    whenExited,
  }
}

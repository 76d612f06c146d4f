// Runs the real `tessera` CLI (server/main.ts bundled by esbuild) in a child process, as an
// operator would: its exit code and what it printed.
import { spawn } from 'node:child_process'
import { bundleEntry } from './child-server.js'

let bundled: Promise<string> | undefined

/** The path of the bundled CLI, built once per test file. */
export const cliFile = (): Promise<string> => (bundled ??= bundleEntry('server/main.ts', 'cli'))

/** What a CLI run ended with. */
export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `tessera <args>` to completion; `input` is written to its stdin. */
export async function runCli(
  args: readonly string[],
  { env = {}, input }: { env?: Record<string, string>; input?: string } = {},
): Promise<CliResult> {
  const file = await cliFile()
  const child = spawn(process.execPath, [file, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin.end(input)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  return { code, stdout, stderr }
}

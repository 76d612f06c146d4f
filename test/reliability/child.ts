// Starts test/reliability/crash-server.ts in a child process for this test (killed when it ends).
import { onTestFinished } from 'vitest'
import { bundleEntry, startChildServer, type ChildServer } from '../helpers/child-server.js'

let bundled: Promise<string> | undefined

/** Runs the reliability child server with `args` (db path, JSON options, mode). */
export async function startReliabilityServer(args: string[]): Promise<ChildServer> {
  bundled ??= bundleEntry('test/reliability/crash-server.ts', 'reliability-server')
  const server = await startChildServer(await bundled, args)
  onTestFinished(() => server.stop())
  return server
}

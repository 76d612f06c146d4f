// The server the browser tests open the demo on: our sync server on 127.0.0.1 port 0 (SQLite
// in a temp folder) serving the demo built into dist/demo at `/`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from '../../server/index.js'

export const repoRoot = join(import.meta.dirname, '../..')

/** Builds the demo page into dist/demo (what `npm run build` does for it). */
export function buildDemo(): void {
  execFileSync(process.execPath, [join(repoRoot, 'client/demo/build.js')], { stdio: 'inherit' })
}

export interface DemoServer {
  /** `http://127.0.0.1:port`: the demo page; rooms at `ws://127.0.0.1:port/<table>`. */
  readonly url: string
  close(): Promise<void>
}

export async function startDemoServer(): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-browser-'))
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    dbPath: join(dir, 'tessera.db'),
    staticDir: join(repoRoot, 'dist/demo'),
  })
  return {
    url: server.url!,
    async close() {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

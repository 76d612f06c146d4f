// Builds the window test page (one esbuild bundle) into a temp folder and serves it from a real
// Tessera server on 127.0.0.1 port 0, SQLite in the same folder.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { createServer, type CreateServerOptions } from '../../../server/index.js'

export interface PageServer {
  /** `http://127.0.0.1:port`: the page at `/`, rooms at `ws://127.0.0.1:port/<table>`. */
  readonly url: string
  close(): Promise<void>
}

/** Builds the page and starts the server that serves it. */
export async function startPageServer(
  options: Pick<CreateServerOptions, 'joinSliceBytes'> = {},
): Promise<PageServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-window-page-'))
  const staticDir = join(dir, 'page')
  await build({
    entryPoints: [join(import.meta.dirname, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outfile: join(staticDir, 'main.js'),
    logLevel: 'warning',
  })
  copyFileSync(join(import.meta.dirname, 'index.html'), join(staticDir, 'index.html'))
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    dbPath: join(dir, 'tessera.db'),
    staticDir,
    ...options,
  })
  return {
    url: server.url!,
    async close() {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

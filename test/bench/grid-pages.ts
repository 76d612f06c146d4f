// The two grids the grid benchmark compares, served side by side by one Tessera server: the demo
// as it is (Glide Data Grid through tessera/react) at `/`, and the previous hand-written grid,
// rebuilt from git history at bench time, at `/old/`. The old grid is never shipped.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { join } from 'node:path'
import { build } from 'esbuild'
import express from 'express'
import { createServer } from '../../server/index.js'
import { buildDemo, repoRoot } from '../browser/demo-server.js'

/** Builds the demo's last hand-written grid into dist/bench-old-demo; returns its commit. */
export async function buildOldDemo(): Promise<{ dir: string; commit: string }> {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim()
  // The commit that replaced the hand-written grid deleted client/demo/grid.ts: take its parent.
  const replaced = git(
    'log',
    '-1',
    '--format=%H',
    '--diff-filter=D',
    'HEAD',
    '--',
    'client/demo/grid.ts',
  )
  const commit = git('rev-parse', '--short', `${replaced}^`)
  const dir = join(repoRoot, 'dist/bench-old-demo')
  const tree = join(dir, 'tree')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(tree, { recursive: true })
  // Its own client and core, as they were: the page talks the protocol of its time.
  execFileSync(
    'sh',
    ['-c', `git archive ${commit} client src tsconfig.json | tar -x -C "${tree}"`],
    {
      cwd: repoRoot,
    },
  )
  await build({
    entryPoints: [join(tree, 'client/demo/main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outfile: join(dir, 'main.js'),
    nodePaths: [join(repoRoot, 'node_modules')],
    logLevel: 'warning',
  })
  for (const file of ['index.html', 'style.css'])
    copyFileSync(join(tree, 'client/demo', file), join(dir, file))
  return { dir, commit }
}

export interface BenchServer {
  /** `http://127.0.0.1:port`: the new grid at `/`, the old one at `/old/`. */
  readonly url: string
  close(): Promise<void>
}

/** Builds both pages and serves them from one server (one table for both). */
export async function startGridServer(dbPath: string): Promise<BenchServer & { commit: string }> {
  buildDemo()
  const old = await buildOldDemo()
  const tessera = await createServer({
    listen: false,
    dbPath,
    staticDir: join(repoRoot, 'dist/demo'),
    maxMessageBytes: 64 * 1024 * 1024,
  })
  const app = express()
  app.use('/old', express.static(old.dir))
  app.use(tessera.app)
  const http: HttpServer = createHttpServer(app)
  http.on('upgrade', tessera.handleUpgrade)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    commit: old.commit,
    async close() {
      http.closeAllConnections()
      await new Promise((resolve) => http.close(resolve))
      await tessera.close()
    },
  }
}

/**
 * In-page probes (installed before the page's scripts): how long from a key press to the end
 * of the first frame whose grid shows a value, and the frame times of a scroll.
 */
export const probes = `
globalThis.bench = {
  /** Resolves with ms from the next press of \`key\` to the end of the first frame where check() holds. */
  afterKey(key, check) {
    return new Promise((resolve) => {
      const onKey = (event) => {
        if (event.key !== key) return
        window.removeEventListener('keydown', onKey, true)
        const start = performance.now()
        globalThis.bench.afterFrames(check).then((end) => resolve(end - start))
      }
      window.addEventListener('keydown', onKey, true)
    })
  },
  /** Resolves with the time at the end of the first frame (after its paint) where check() holds. */
  afterFrames(check) {
    return new Promise((resolve) => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => (check() ? resolve(performance.now()) : tick())
      const tick = () => requestAnimationFrame(() => channel.port2.postMessage(0))
      tick()
    })
  },
  /** Scrolls \`element\` by \`step\` px per frame for \`frames\` frames; resolves with the frame times. */
  scroll(element, step, frames) {
    return new Promise((resolve) => {
      const times = []
      let last = performance.now()
      const frame = (now) => {
        times.push(now - last)
        last = now
        if (times.length > frames) return resolve(times.slice(1))
        element.scrollTop += step
        requestAnimationFrame(frame)
      }
      requestAnimationFrame(frame)
    })
  },
}
`

// Builds the demo page into dist/demo/ (served by the server at `/`): one esbuild bundle plus the
// static files. Run by `npm run build`.
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, '../../dist/demo')
mkdirSync(out, { recursive: true })
await build({
  entryPoints: [join(here, 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: join(out, 'main.js'),
  logLevel: 'warning',
})
for (const file of ['index.html', 'style.css']) copyFileSync(join(here, file), join(out, file))

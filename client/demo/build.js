// Builds the demo page into dist/demo/ (served by the server at `/`): one esbuild bundle (React,
// Glide Data Grid and the SDK from source) with its CSS, plus the static files. Run by
// `npm run build` and by the browser tests.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * Glide Data Grid loads its cell editor with React.lazy: the first editor of a page opens a
 * render later, and keys typed meanwhile reach the grid instead (the first letters of an edit
 * were lost). Bundled, the editor is already here: import it directly so it opens at once.
 */
const eagerGlideEditor = {
  name: 'eager-glide-editor',
  setup(build) {
    build.onLoad(
      { filter: /glide-data-grid[\\/]dist[\\/]esm[\\/]data-editor[\\/]data-editor\.js$/ },
      (args) => {
        const source = readFileSync(args.path, 'utf8')
        const lazy =
          'const DataGridOverlayEditor = React.lazy(async () => await import("../internal/data-grid-overlay-editor/data-grid-overlay-editor.js"));'
        if (!source.includes(lazy))
          throw new Error(`${args.path}: the lazy editor import changed; update build.js`)
        const eager =
          'import DataGridOverlayEditor from "../internal/data-grid-overlay-editor/data-grid-overlay-editor.js";'
        return { contents: source.replace(lazy, eager), loader: 'js' }
      },
    )
  },
}

const out = join(here, '../../dist/demo')
mkdirSync(out, { recursive: true })
await build({
  entryPoints: [join(here, 'main.tsx')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  minify: process.env.TESSERA_DEMO_DEBUG !== '1',
  sourcemap: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  outfile: join(out, 'main.js'),
  logLevel: 'warning',
  plugins: [eagerGlideEditor],
})
for (const file of ['index.html', 'style.css']) copyFileSync(join(here, file), join(out, file))

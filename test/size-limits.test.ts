// The size limits of STYLE.md 2.3 hold in src/, client/ and server/ (the demo aside): no file
// over 300 lines and no function, method, arrow, accessor or constructor over 120 lines.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { countLines, functionSpans } from './helpers/source-sizes.js'

const root = join(import.meta.dirname, '..')
const maxFileLines = 300
const maxFunctionLines = 120

/** Every .ts and .tsx file below `dir`, as a path relative to the root; client/demo/ left out. */
function sourceFiles(dir: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) {
      if (path !== 'client/demo') files.push(...sourceFiles(path))
    } else if (/\.tsx?$/.test(entry.name)) {
      files.push(relative(root, join(root, path)))
    }
  }
  return files
}

describe('size limits', () => {
  it('measures a generated function of 121 lines as 121 and one of 120 as 120', () => {
    const body = (lines: number) => Array.from({ length: lines - 2 }, (_, i) => `  f(${i})`)
    const text = [
      `export function tooLong() {`,
      ...body(121),
      `}`,
      `const fits = () => {`,
      ...body(120),
      `}`,
      `class C { get value() { return 1 } }`,
    ].join('\n')
    const spans = functionSpans('generated.ts', text)
    expect(spans).toEqual([
      { name: 'tooLong', line: 1, lines: 121 },
      { name: 'fits', line: 122, lines: 120 },
      { name: 'value', line: 242, lines: 1 },
    ])
    expect(countLines(`${text}\n`)).toBe(242)
  })

  it('measures nested functions, methods and constructors in a .tsx file', () => {
    const text = 'class A {\n  constructor() {\n    run(() => {\n      go()\n    })\n  }\n}\n'
    expect(functionSpans('nested.tsx', text)).toEqual([
      { name: 'constructor', line: 2, lines: 5 },
      { name: '(anonymous)', line: 3, lines: 3 },
    ])
  })

  it(`no source file is over ${maxFileLines} lines and no function over ${maxFunctionLines}`, () => {
    const files = ['src', 'client', 'server'].flatMap(sourceFiles)
    expect(files.length).toBeGreaterThan(100)
    const overs: string[] = []
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8')
      const lines = countLines(text)
      if (lines > maxFileLines) overs.push(`${file}: ${lines} lines in the file`)
      for (const span of functionSpans(file, text)) {
        if (span.lines > maxFunctionLines) {
          overs.push(`${file}:${span.line}: ${span.name} spans ${span.lines} lines`)
        }
      }
    }
    expect(overs).toEqual([])
  })
})

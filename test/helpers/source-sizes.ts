// Measures source files for the size limits (STYLE.md 2.3, issue 15): a file's line count and
// the line span of every function-like node in it, parsed with the TypeScript compiler API.
import ts from 'typescript'

/** One function-like node (function, method, arrow, accessor, constructor) and its line span. */
export interface FunctionSpan {
  /** The name as a reader finds it: the declared name, or the variable or property it is set to. */
  readonly name: string
  /** 1-based line where the node starts. */
  readonly line: number
  /** Lines from the node's first line to its last, both counted. */
  readonly lines: number
}

/** How many lines `text` has, a final newline not opening another. */
export function countLines(text: string): number {
  if (text === '') return 0
  const newlines = text.split('\n').length - 1
  return text.endsWith('\n') ? newlines : newlines + 1
}

/** The name a reader would search for to find `node`. */
function nameOf(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  if (node.name !== undefined) return node.name.getText(source)
  if (ts.isConstructorDeclaration(node)) return 'constructor'
  const parent = node.parent
  if (
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) &&
    parent.initializer === node
  ) {
    return parent.name.getText(source)
  }
  return '(anonymous)'
}

/** Every function-like node with a body in `text` (named `fileName` for the parser). */
export function functionSpans(fileName: string, text: string): FunctionSpan[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind)
  const spans: FunctionSpan[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const last = source.getLineAndCharacterOfPosition(node.end).line
      spans.push({ name: nameOf(node, source), line: first + 1, lines: last - first + 1 })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return spans
}

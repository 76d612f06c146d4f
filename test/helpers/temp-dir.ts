// A temporary folder for one test, removed when the test finishes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

/** Creates a temporary folder that is deleted when the current test finishes. */
export function tempDir(prefix = 'tessera-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

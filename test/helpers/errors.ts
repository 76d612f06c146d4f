// The error code a call fails with, for tests of input checks.
import { isTesseraError } from '../../src/index.js'

/** The TesseraError code `run` throws, 'NOT_A_TESSERA_ERROR' for another error, or undefined. */
export const codeOf = (run: () => unknown): string | undefined => {
  try {
    run()
  } catch (error) {
    return isTesseraError(error) ? error.code : 'NOT_A_TESSERA_ERROR'
  }
  return undefined
}

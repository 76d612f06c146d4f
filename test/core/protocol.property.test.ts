// Round trips of Tessera's messages, and arbitrary bytes: decoding succeeds or throws
// PROTOCOL_ERROR, and does nothing else (STYLE 2.5.7).
import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import { isTesseraError } from '../../src/index.js'
import {
  decodeTesseraMessage,
  encodeErrorNotice,
  encodeNotSaved,
  encodeSaved,
  errorCodes,
} from '../../src/internal.js'

const numRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 500)

test.prop([fc.nat(), fc.constantFrom(...errorCodes), fc.string()], { numRuns })(
  'decode(encode(m)) equals m',
  (requestId, code, message) => {
    expect(decodeTesseraMessage(encodeSaved(requestId))).toEqual({ type: 'saved', requestId })
    expect(decodeTesseraMessage(encodeNotSaved(requestId, code, message))).toEqual({
      type: 'not-saved',
      requestId,
      code,
      message,
    })
    expect(decodeTesseraMessage(encodeErrorNotice(code, message))).toEqual({
      type: 'error',
      code,
      message,
    })
  },
)

test.prop([fc.uint8Array({ maxLength: 64 })], { numRuns })(
  'arbitrary bytes decode or fail with PROTOCOL_ERROR',
  (bytes) => {
    try {
      decodeTesseraMessage(bytes)
    } catch (error) {
      expect(isTesseraError(error, 'PROTOCOL_ERROR')).toBe(true)
    }
  },
)

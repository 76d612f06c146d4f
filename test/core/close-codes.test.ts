// The one table of close codes: every error has a close code, every close code a server sends
// reads back as a defined error and behaviour (S60), and reasons fit a close frame.
import { describe, expect, it } from 'vitest'
import {
  CloseCode,
  closeCodeOf,
  closeMeaningOf,
  cutCloseReason,
  errorCodes,
} from '../../src/internal.js'

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).byteLength

describe('close codes', () => {
  it('S60: every close code a server sends maps to an error code and a reconnect decision', () => {
    const table = Object.entries(CloseCode)
      .filter(([, closeCode]) => closeCode !== CloseCode.Normal)
      .map(([name, closeCode]) => [name, closeCode, closeMeaningOf(closeCode)])
    expect(table).toEqual([
      ['GoingAway', 1001, { code: 'CLOSED', isRetryable: true }],
      ['ProtocolViolation', 1002, { code: 'PROTOCOL_ERROR', isRetryable: false }],
      ['UnsupportedData', 1003, { code: 'PROTOCOL_ERROR', isRetryable: false }],
      ['MessageTooLarge', 1009, { code: 'MESSAGE_TOO_LARGE', isRetryable: false }],
      ['ProtocolError', 4400, { code: 'PROTOCOL_ERROR', isRetryable: false }],
      ['Unauthorized', 4401, { code: 'UNAUTHORIZED', isRetryable: false }],
      ['Forbidden', 4403, { code: 'FORBIDDEN', isRetryable: false }],
      ['TableNotFound', 4404, { code: 'TABLE_NOT_FOUND', isRetryable: false }],
      ['SlowConsumer', 4408, { code: 'TOO_MANY_REQUESTS', isRetryable: true }],
      ['TooManyRequests', 4429, { code: 'TOO_MANY_REQUESTS', isRetryable: true }],
      ['StorageFailure', 4500, { code: 'STORAGE_FAILURE', isRetryable: true }],
    ])
  })

  it('S60: a normal close, a dropped network and unknown codes report nothing', () => {
    for (const closeCode of [1000, 1005, 1006, 1011, 3000, 4000, 4999]) {
      expect(closeMeaningOf(closeCode)).toBeUndefined()
    }
  })

  it('S60: every error code closes with a code that reads back as a defined error', () => {
    for (const code of errorCodes) {
      const meaning = closeMeaningOf(closeCodeOf(code))
      expect(meaning, code).toBeDefined()
      // Codes with a close code of their own read back as themselves; the rest are protocol errors.
      expect([code, 'PROTOCOL_ERROR']).toContain(meaning!.code)
    }
    for (const code of [
      'UNAUTHORIZED',
      'FORBIDDEN',
      'TABLE_NOT_FOUND',
      'MESSAGE_TOO_LARGE',
      'STORAGE_FAILURE',
      'CLOSED',
      'TOO_MANY_REQUESTS',
      'PROTOCOL_ERROR',
    ] as const) {
      expect(closeMeaningOf(closeCodeOf(code))?.code).toBe(code)
    }
  })

  it('cuts a close reason to 123 bytes, never inside a character', () => {
    expect(cutCloseReason('short')).toBe('short')
    const ascii = 'x'.repeat(200)
    expect(cutCloseReason(ascii)).toBe('x'.repeat(123))
    const wide = '€'.repeat(50) // 3 bytes each
    expect(cutCloseReason(wide)).toBe('€'.repeat(41))
    const emoji = `${'a'.repeat(121)}😀tail` // the emoji's 4 bytes would end at byte 125
    expect(cutCloseReason(emoji)).toBe('a'.repeat(121))
    expect(utf8Bytes(cutCloseReason('é'.repeat(100)))).toBeLessThanOrEqual(123)
  })
})

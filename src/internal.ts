// The core's internal entry: what client/ and server/ use besides the public API (index.ts).
// Not in package.json "exports", so users cannot import it; its names may change at any time.
export { errorCodes } from './errors.js'
export {
  MessageType,
  CloseCode,
  encodeSaved,
  encodeNotSaved,
  encodeErrorNotice,
  encodePermissions,
  encodePermissionsRequest,
  decodeTesseraMessage,
} from './protocol.js'
export type { TablePermissions, TesseraMessage } from './protocol.js'
export { remoteContent } from './row-state.js'
export { applyChecked, allowEverything } from './validation.js'
export type { WritePermissions, Violation, AppliedUpdate } from './validation.js'
export { parseQuery } from './query/parse-query.js'
export { evaluateQuery } from './query/query-match.js'

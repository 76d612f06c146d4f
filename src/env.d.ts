// The only host globals the core may use: it is compiled without DOM or Node types.
declare function setTimeout(callback: () => void, ms?: number): unknown
declare function clearTimeout(handle: unknown): void
declare const crypto: { getRandomValues<T extends Uint8Array | Uint32Array>(array: T): T }
declare class TextEncoder {
  encode(input?: string): Uint8Array
}
declare class TextDecoder {
  decode(input?: Uint8Array): string
}
declare function queueMicrotask(callback: () => void): void

// The leanest y-websocket joiner for the join benchmark: a TCP socket that upgrades by hand, asks
// for the table with sync step 1 and reads frames without assembling them, so 100 joiners in one
// process cost little more than the kernel's copies (ws's receiver copies every message out of
// the socket's chunks into a fresh buffer: half of the joiners' process CPU when profiled).
import { connect, type Socket } from 'node:net'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { decodeMessage } from '../../src/internal.js'

/**
 * A sync step 2 received: its size in bytes, and when kept, the whole join as one update (a
 * large join comes as update slices before its sync step 2, S175).
 */
export interface Joined {
  size: number
  update?: Uint8Array
}

export interface RawJoiner {
  /** Sends sync step 1 with an empty state vector; resolves once the whole sync step 2 arrived. */
  sync(isKept?: boolean): Promise<Joined>
  close(): void
}

/** A client frame: FIN + binary, masked with a zero key (the server unmasks; XOR with 0 is a no-op). */
function clientFrame(payload: Uint8Array): Buffer {
  if (payload.length > 125) throw new Error('raw joiner: only short client frames')
  return Buffer.concat([Buffer.from([0x82, 0x80 | payload.length, 0, 0, 0, 0]), payload])
}

/** Opens `ws://host:port/<path>` by hand; resolves once the server accepted the upgrade. */
export async function connectRawJoiner(wsUrl: string, path: string): Promise<RawJoiner> {
  const { hostname, port } = new URL(wsUrl)
  const socket: Socket = connect(Number(port), hostname)
  socket.setNoDelay(true)
  socket.on('error', () => undefined)
  socket.write(
    `GET /${encodeURIComponent(path)} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\n` +
      'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\n\r\n',
  )
  let pending = Buffer.alloc(0)
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      pending = Buffer.concat([pending, chunk])
      const end = pending.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      if (!pending.subarray(0, 12).toString().includes('101')) reject(new Error('not upgraded'))
      pending = pending.subarray(end + 4)
      resolve()
    }
    socket.on('data', onData)
  })
  const reader = frameReader()
  socket.on('data', (chunk: Buffer) => {
    reader.read(chunk)
  })
  reader.read(pending)
  return {
    sync(isKept = false) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      encoding.writeVarUint(encoder, 0)
      encoding.writeVarUint8Array(encoder, new Uint8Array([0]))
      return new Promise((resolve) => {
        reader.onStep2(isKept, resolve)
        socket.write(clientFrame(encoding.toUint8Array(encoder)))
      })
    },
    close() {
      socket.destroy()
    },
  }
}

/**
 * Reads the server's frames (never masked) across chunk boundaries, looking only at each
 * message's first two bytes: sync (0), step 2 (1) or update (2); a kept join keeps its updates. A message the server paces (S253) comes in
 * fragments: continuation frames (opcode 0) extend it until the one with FIN set.
 */
function frameReader() {
  let header = Buffer.alloc(0)
  let left = 0
  let isStep2 = false
  let isLast = true
  let kept: Buffer[] | undefined
  const keptUpdates: Uint8Array[] = []
  let size = 0
  let waiter: { isKept: boolean; resolve: (joined: Joined) => void } | undefined
  const finish = (): void => {
    if (!isLast) return
    const message = kept === undefined ? undefined : decodeMessage(Buffer.concat(kept))
    if (message?.type === 'sync-step-2' || message?.type === 'sync-update')
      keptUpdates.push(message.update)
    if (!isStep2 || waiter === undefined) return
    waiter.resolve(kept === undefined ? { size } : { size, update: Y.mergeUpdates(keptUpdates) })
    waiter = undefined
  }
  const startFrame = (): number => {
    // Header: 2 bytes, then a 2- or 8-byte length; plus the first 2 bytes of the payload.
    const short = header[1]! & 0x7f
    const headerSize = short === 126 ? 4 : short === 127 ? 10 : 2
    if (header.length < headerSize + Math.min(2, short < 126 ? short : 2)) return -1
    left =
      short === 126
        ? header.readUInt16BE(2)
        : short === 127
          ? Number(header.readBigUInt64BE(2))
          : short
    isLast = (header[0]! & 0x80) !== 0
    if ((header[0]! & 0x0f) === 0) {
      size += left
      return headerSize
    }
    const isSync = left >= 2 && header[headerSize] === 0
    isStep2 = isSync && header[headerSize + 1] === 1
    size = left
    const isUpdate = isSync && (isStep2 || header[headerSize + 1] === 2)
    kept = isUpdate && waiter?.isKept === true ? [] : undefined
    return headerSize
  }
  const read = (chunk: Buffer): void => {
    let data = chunk
    while (data.length > 0) {
      if (left === 0) {
        header = Buffer.concat([header, data])
        const size = header.length >= 2 ? startFrame() : -1
        if (size < 0) return
        data = header.subarray(size)
        header = Buffer.alloc(0)
        if (left === 0) {
          finish()
          continue
        }
      }
      const take = Math.min(left, data.length)
      kept?.push(data.subarray(0, take))
      left -= take
      data = data.subarray(take)
      if (left === 0) finish()
    }
  }
  return {
    read,
    onStep2(isKept: boolean, resolve: (joined: Joined) => void) {
      waiter = { isKept, resolve }
    },
  }
}

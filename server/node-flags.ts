// The Node flags the server is meant to run with (S280). `npm start` and `npm run start:auth`
// pass them (test/server/node-flags.test.ts keeps them equal to these); V8 reads them only
// when the process starts, so the `tessera` command cannot set them itself: it says so when
// they are missing. Its shebang stays `#!/usr/bin/env node`, since BusyBox's `env` (Alpine,
// the usual small container) has no `-S` to pass flags there.

/**
 * A young generation of up to 32 MiB per semi-space (Node 20's default is 16): a sync server
 * allocates short-lived objects for every update (Yjs transactions, frames), and with the
 * default many of them survive their scavenge, get promoted and cost a major collection later.
 * Measured on the same code: CPU per durable update 0.71-0.74x, p99 acknowledgement latency at
 * 5,000 updates/s 13-17 ms against 119 (docs/benchmarks.md, issue 16 item 5); 64 measured no
 * better, 128 brought the tail back. The price is resident memory under load: the young
 * generation may grow to a few times 32 MiB.
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=32']

/**
 * The flags of `serverNodeFlags` whose option the process was started without, in its command
 * line (`execArgv`) or `NODE_OPTIONS`, with any value: a size chosen on purpose is kept.
 */
export function missingNodeFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((flag) => flag.split('=')[0])
  return serverNodeFlags.filter((flag) => !given.includes(flag.split('=')[0]))
}

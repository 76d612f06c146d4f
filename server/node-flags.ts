// The Node flags the `tessera` command runs with (S280): its shebang line (server/main.ts) and
// package.json's start scripts name them; test/server/node-flags.test.ts keeps the three equal.
// V8 reads them only when the process starts, so they cannot be set from here.

/**
 * A young generation of up to 64 MiB per semi-space (Node 20's default is 16): a sync server
 * allocates short-lived objects for every update (Yjs transactions, frames), and with the
 * default most of them survive one scavenge, get promoted and cost a major collection later.
 * Measured: CPU per durable update 0.71-0.79x, p99 acknowledgement latency at 5,000 updates/s
 * 18 ms against 108-165 (docs/benchmarks.md, issue 16 item 5). The price is resident memory
 * under load: the young generation may grow to a few times 64 MiB.
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=64']

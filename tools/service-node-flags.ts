/**
 * Node flags every service process is started with: by the `start:*` npm scripts, by `npm start`
 * (tools/stack/start.ts), by the Dockerfile and by the benchmark. `service-node-flags.test.ts` checks that
 * the npm scripts and the Dockerfile spell them the same way (docs/decisions/0007-young-generation-size.md).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = [
  // V8 lets the young generation grow to 64 MB per semi-space under allocation-heavy load; 16 MB keeps
  // the resident memory of a busy service ~70 MB lower at the same throughput.
  '--max-semi-space-size=16',
];

/**
 * Node flags every service process is started with: by the `start:*` npm scripts, by `npm start`
 * (tools/stack/start.ts), by the Dockerfile and by the benchmark. `service-node-flags.test.ts` checks that
 * the npm scripts and the Dockerfile spell them the same way (docs/decisions/0007-young-generation-size.md).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = [
  // V8 lets the young generation grow to 64 MB per semi-space under allocation-heavy load; 8 MB keeps
  // a busy service's resident memory lower at the same throughput.
  '--max-semi-space-size=8',
  // On a machine with gigabytes of memory V8 lets the old generation grow to up to four times what survived
  // the last full collection before it collects again; twice is enough to keep collections rare, and
  // notification-service draining a backlog peaks at ~190 MB instead of ~270.
  '--heap-growing-percent=100',
];

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { queryObjects } from 'node:v8';
import { sleep } from './errors.ts';
import { FINAL_COMMIT_WAIT_MS, type LaneLimits, PartitionLane } from './partition-lane.ts';
import type { ConsumedRecord, Outcome, RecordHandler } from './types.ts';

function record(offset: number, partition = 0): ConsumedRecord {
  return {
    topic: 't',
    partition,
    offset: BigInt(offset),
    timestamp: 0n,
    key: Buffer.from('k'),
    value: Buffer.from('v'),
    headers: [],
  };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const sent: Outcome = { status: 'SENT', detail: 'ok' };
const tick = () => new Promise((resolve) => setImmediate(resolve));

function harness(limits = { maxQueuedRecords: 100, maxQueuedBytes: 1 << 20 }) {
  const handled: bigint[] = [];
  const committed: bigint[] = [];
  const rewinds: bigint[] = [];
  let gate: Promise<void> = Promise.resolve();
  const lane = new PartitionLane('t', 0, limits, {
    handle: async (r) => {
      await gate;
      handled.push(r.offset);
      return sent;
    },
    commit: async (r) => {
      committed.push(r.offset);
      return true;
    },
    outcome: () => {},
    stalled: () => {},
    rewind: (offset) => rewinds.push(offset),
  });
  return {
    lane,
    handled,
    committed,
    rewinds,
    block() {
      const d = deferred();
      gate = d.promise;
      return d.resolve;
    },
  };
}

/** A lane (with room to spare unless `limits` say otherwise) whose commits all succeed, in `committed`. */
function committingLane(
  handle: RecordHandler,
  limits: LaneLimits = { maxQueuedRecords: 100, maxQueuedBytes: 1 << 20 },
) {
  const committed: bigint[] = [];
  const lane = new PartitionLane('t', 0, limits, {
    handle,
    commit: async (r) => {
      committed.push(r.offset);
      return true;
    },
    outcome: () => {},
    stalled: () => {},
    rewind: () => {},
  });
  return { lane, committed };
}

describe('PartitionLane', () => {
  test('handles records in offset order and commits each after handling', async () => {
    const h = harness();
    for (const offset of [5, 6, 7]) h.lane.offer(record(offset));
    while (h.lane.busy) await tick();
    assert.deepEqual(h.handled, [5n, 6n, 7n]);
    assert.deepEqual(h.committed, [5n, 6n, 7n]);
  });

  test('ignores records re-fetched below the expected offset (after a rebalance refresh)', async () => {
    const h = harness();
    h.lane.offer(record(10));
    h.lane.offer(record(11));
    assert.equal(h.lane.offer(record(10)), false);
    while (h.lane.busy) await tick();
    assert.deepEqual(h.handled, [10n, 11n]);
  });

  test('a full lane drops new records and rewinds to the first dropped one when it has room', async () => {
    const h = harness({ maxQueuedRecords: 4, maxQueuedBytes: 1 << 20 });
    const release = h.block();
    for (let offset = 0; offset < 4; offset++) assert.equal(h.lane.offer(record(offset)), true);
    assert.equal(h.lane.offer(record(4)), false, 'no room: dropped');
    assert.equal(h.lane.offer(record(5)), false);
    assert.equal(h.lane.queued, 4, 'memory stays bounded');
    release();
    while (h.lane.busy) await tick();
    assert.deepEqual(h.handled, [0n, 1n, 2n, 3n]);
    assert.ok(h.rewinds.includes(4n), `rewound to 4, got ${h.rewinds}`);
    // A stale fetch delivers 6 first: rejected and rewound again; then 4 arrives and flows.
    assert.equal(h.lane.offer(record(6)), false);
    assert.equal(h.lane.offer(record(4)), true);
    assert.equal(h.lane.offer(record(5)), true);
    while (h.lane.busy) await tick();
    assert.deepEqual(h.handled, [0n, 1n, 2n, 3n, 4n, 5n]);
  });

  test('a real gap in the log is accepted when the same first offset comes back twice', async () => {
    const h = harness({ maxQueuedRecords: 1, maxQueuedBytes: 1 << 20 });
    const release = h.block();
    h.lane.offer(record(0));
    assert.equal(h.lane.offer(record(1)), false);
    release();
    while (h.lane.busy) await tick();
    assert.equal(h.lane.offer(record(3)), false, 'first sight of 3 while expecting 1: rewind');
    assert.equal(h.lane.offer(record(3)), true, 'second sight: offsets 1 and 2 do not exist');
    while (h.lane.busy) await tick();
    assert.deepEqual(h.handled, [0n, 3n]);
  });

  test('an error escaping the handler is an outage: the same record is tried again, nothing committed meanwhile', async () => {
    let calls = 0;
    const committed: bigint[] = [];
    const stalls: number[] = [];
    const lane = new PartitionLane(
      't',
      0,
      { maxQueuedRecords: 10, maxQueuedBytes: 1 << 20 },
      {
        handle: async () => {
          calls++;
          if (calls < 3) throw new Error('redis down');
          return sent;
        },
        commit: async (r) => {
          committed.push(r.offset);
          return true;
        },
        outcome: () => {},
        stalled: (_r, _e, delay) => stalls.push(delay),
        rewind: () => {},
      },
    );
    lane.offer(record(0));
    while (lane.busy) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(calls, 3);
    assert.deepEqual(stalls, [250, 500], 'capped exponential back-off');
    assert.deepEqual(committed, [0n]);
  });

  test('stop() lets the running record finish and drops the queued ones uncommitted', async () => {
    const h = harness();
    const release = h.block();
    h.lane.offer(record(0));
    h.lane.offer(record(1));
    h.lane.offer(record(2));
    const stopping = h.lane.stop(5000);
    release();
    await stopping;
    assert.deepEqual(h.handled, [0n]);
    assert.deepEqual(h.committed, [0n]);
    assert.equal(h.lane.offer(record(3)), false, 'a stopped lane takes nothing');
  });

  test('a failed commit of the last handled record is tried again until it succeeds', async () => {
    const tries: bigint[] = [];
    const lane = new PartitionLane(
      't',
      0,
      { maxQueuedRecords: 10, maxQueuedBytes: 1 << 20 },
      {
        handle: async () => sent,
        commit: async (r) => {
          tries.push(r.offset);
          return tries.length >= 3;
        },
        outcome: () => {},
        stalled: () => {},
        rewind: () => {},
      },
    );
    lane.offer(record(7));
    const deadline = Date.now() + 5000;
    while (tries.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(tries, [7n, 7n, 7n]);
  });
  test('asks to pause fetching at half its limit and to resume at a quarter', async () => {
    const signals: boolean[] = [];
    let gate = deferred();
    const lane = new PartitionLane(
      't',
      0,
      { maxQueuedRecords: 8, maxQueuedBytes: 1 << 20 },
      {
        handle: async () => {
          await gate.promise;
          return sent;
        },
        commit: async () => true,
        outcome: () => {},
        stalled: () => {},
        rewind: () => {},
        pressure: (on) => signals.push(on),
      },
    );
    for (let offset = 0; offset < 3; offset++) lane.offer(record(offset));
    assert.deepEqual(signals, []);
    lane.offer(record(3));
    assert.deepEqual(signals, [true], 'four of eight queued');
    for (let offset = 4; offset < 8; offset++) lane.offer(record(offset));
    assert.deepEqual(signals, [true], 'said once');
    assert.equal(lane.pressing, true);
    gate.resolve();
    gate = { promise: Promise.resolve(), resolve: () => {} };
    while (lane.busy) await tick();
    assert.deepEqual(signals, [true, false]);
    assert.equal(lane.pressing, false);
  });

  test('tells prepare about records as they arrive (those offered together in one call) before they are handled, and discard about those it drops', async () => {
    const prepareCalls: bigint[][] = [];
    const discarded: bigint[] = [];
    const handled: bigint[] = [];
    const gate = deferred();
    let handledBeforePrepared = 0;
    const lane = new PartitionLane(
      't',
      0,
      { maxQueuedRecords: 1000, maxQueuedBytes: 1 << 24 },
      {
        handle: async (r) => {
          if (!prepareCalls.flat().includes(r.offset)) handledBeforePrepared++;
          await gate.promise;
          handled.push(r.offset);
          return sent;
        },
        commit: async () => true,
        outcome: () => {},
        stalled: () => {},
        rewind: () => {},
        prepare: (records) => prepareCalls.push(records.map((r) => r.offset)),
        discard: (records) => discarded.push(...records.map((r) => r.offset)),
      },
    );
    // A fetch's records are offered one by one in one go. The first starts at once (prepared alone); the
    // others are prepared in one call once they are all queued.
    for (let offset = 0; offset < 300; offset++) lane.offer(record(offset));
    assert.deepEqual(prepareCalls, [[0n]], 'the first record, prepared alone as it arrived');
    await tick();
    assert.equal(prepareCalls.length, 2);
    assert.deepEqual(
      prepareCalls[1],
      Array.from({ length: 299 }, (_, index) => BigInt(index + 1)),
      'all the others in one call, in offset order',
    );
    // A later fetch, while the first record is still being handled: its records in a call of their own.
    for (let offset = 300; offset < 400; offset++) lane.offer(record(offset));
    await tick();
    assert.equal(prepareCalls.length, 3);
    assert.deepEqual(
      prepareCalls[2],
      Array.from({ length: 100 }, (_, index) => BigInt(300 + index)),
    );
    gate.resolve();
    while (handled.length < 200) await tick();
    assert.equal(handledBeforePrepared, 0, 'no record was handled before it was prepared');
    await lane.stop(1000);
    const unhandled = prepareCalls.flat().filter((offset) => !handled.includes(offset));
    assert.ok(unhandled.length > 0, 'the stop left prepared records unhandled');
    assert.deepEqual(discarded, unhandled, 'prepared but never handled: discarded');
  });
  test('commitIntervalMs: commits at most that often, always the last handled record, and on stop', async () => {
    const { lane, committed } = committingLane(async () => sent, {
      maxQueuedRecords: 1000,
      maxQueuedBytes: 1 << 24,
      commitIntervalMs: 200,
    });
    for (let offset = 0; offset < 50; offset++) lane.offer(record(offset));
    while (lane.busy) await tick();
    assert.deepEqual(committed, [0n], 'the first commit goes at once; the rest wait for the interval');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(committed, [0n, 49n], 'a quiet lane commits its last handled record');
    lane.offer(record(50));
    while (lane.busy) await tick();
    await lane.stop(1000);
    assert.deepEqual(committed, [0n, 49n, 50n], 'stopping commits what was handled');
  });

  test('a commit that waits (for done marks) holds the later ones: commits stay in offset order, the newest wins', async () => {
    const committed: bigint[] = [];
    const inFlight: bigint[] = [];
    const firstCommit = deferred();
    let calls = 0;
    const lane = new PartitionLane(
      't',
      0,
      { maxQueuedRecords: 100, maxQueuedBytes: 1 << 20 },
      {
        handle: async () => sent,
        commit: async (r) => {
          inFlight.push(r.offset);
          assert.equal(inFlight.length, 1, 'one commit of a partition at a time');
          if (++calls === 1) await firstCommit.promise;
          committed.push(r.offset);
          inFlight.pop();
          return true;
        },
        outcome: () => {},
        stalled: () => {},
        rewind: () => {},
      },
    );
    for (const offset of [1, 2, 3, 4]) lane.offer(record(offset));
    while (lane.busy) await tick();
    assert.deepEqual(committed, [], 'the first commit still waits');
    firstCommit.resolve();
    await lane.stop(1000);
    assert.deepEqual(committed, [1n, 4n], 'the waiting commit, then only the newest offset');
  });

  test('stop() gives a waiting commit of the last handled record its grace period', async () => {
    const committed: bigint[] = [];
    const lane = new PartitionLane(
      't',
      0,
      { maxQueuedRecords: 100, maxQueuedBytes: 1 << 20 },
      {
        handle: async () => sent,
        commit: async (r, signal) => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          if (signal.aborted) return false;
          committed.push(r.offset);
          return true;
        },
        outcome: () => {},
        stalled: () => {},
        rewind: () => {},
      },
    );
    lane.offer(record(7));
    while (lane.busy) await tick();
    await lane.stop(2000);
    assert.deepEqual(committed, [7n]);
  });

  test('stop() ends a wait at once (a retry back-off): the record stays uncommitted for the next owner', {
    timeout: 10_000,
  }, async () => {
    let sawAbort = false;
    const { lane, committed } = committingLane(async (r, signal) => {
      if (r.offset === 1n) return sent;
      // The second record fails and waits for its next attempt: a back-off far longer than the test.
      await sleep(600_000, signal).catch((error: unknown) => {
        sawAbort = signal.aborted;
        throw error;
      });
      return sent;
    });
    lane.offer(record(1));
    lane.offer(record(2));
    await tick();
    await lane.stop(600_000);
    assert.ok(sawAbort, 'the waiting handler saw its signal aborted by stop()');
    assert.deepEqual(committed, [1n], 'the handled record is committed, the waiting one is not');
  });

  test('a send under way when stop() is called finishes and is committed', { timeout: 10_000 }, async () => {
    const sending = deferred();
    let signalDuringSend: AbortSignal | undefined;
    const { lane, committed } = committingLane(async (_r, signal) => {
      signalDuringSend = signal;
      await sending.promise; // the send itself ignores the stop (the gate shields it)
      return sent;
    });
    lane.offer(record(5));
    lane.offer(record(6));
    await tick();
    const stopped = lane.stop(600_000);
    await tick();
    assert.equal(signalDuringSend?.aborted, true, 'waiting is over for the handler');
    sending.resolve();
    await stopped;
    assert.deepEqual(
      committed,
      [5n],
      'the finished send is committed; the queued record is left for the next owner',
    );
  });

  test('stop() waits for a hanging final commit only FINAL_COMMIT_WAIT_MS', {
    timeout: FINAL_COMMIT_WAIT_MS + 5000,
  }, async () => {
    let commitSignal: AbortSignal | undefined;
    const lane = new PartitionLane(
      't',
      0,
      { maxQueuedRecords: 100, maxQueuedBytes: 1 << 20 },
      {
        handle: async () => sent,
        commit: (_r, signal) => {
          commitSignal = signal;
          return new Promise<boolean>(() => {}); // a commit that never answers (seen during rebalances)
        },
        outcome: () => {},
        stalled: () => {},
        rewind: () => {},
      },
    );
    lane.offer(record(1));
    while (lane.busy) await tick();
    await lane.stop(600_000);
    assert.equal(commitSignal?.aborted, true, 'the commit was told to give up');
  });

  test('lets go of handled records at once, while later ones still wait', async () => {
    // A handled record the lane kept referencing would live on into the old generation (docs/decisions/0007).
    // The records are of their own class so that the heap can be asked how many of them are still alive
    // (`queryObjects` collects all garbage first).
    class TrackedRecord {
      readonly topic = 't';
      readonly partition = 0;
      readonly timestamp = 0n;
      readonly key = Buffer.from('k');
      readonly value = Buffer.from('v');
      readonly headers = [];
      readonly offset: bigint;
      constructor(offset: bigint) {
        this.offset = offset;
      }
    }
    const release = deferred();
    const { lane, committed } = committingLane(async (r) => {
      if (r.offset === 3n) await release.promise;
      return sent;
    });
    for (const offset of [0n, 1n, 2n, 3n, 4n]) lane.offer(new TrackedRecord(offset));
    while (lane.handledCount < 3 || committed.at(-1) !== 2n) await tick();
    assert.equal(lane.queued, 2, 'records 3 (under way) and 4 still wait');
    assert.equal(queryObjects(TrackedRecord, { format: 'count' }), 2, 'only the waiting records are alive');
    release.resolve();
    while (lane.busy) await tick();
    assert.equal(committed.at(-1), 4n);
  });
});

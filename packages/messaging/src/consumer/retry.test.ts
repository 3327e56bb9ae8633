import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deadLetterHeaders, readDeadLetterHeaders } from './dead-letter.ts';
import { PoisonRecordError } from './errors.ts';
import { OutageError, retry } from './retry.ts';
import { HandlerTimeoutError, timeout } from './timeout.ts';
import type { ConsumedRecord, Outcome } from './types.ts';

const record: ConsumedRecord = {
  topic: 'order.created.v1',
  partition: 2,
  offset: 1234567890123n,
  timestamp: 1732400000123n,
  key: Buffer.from('order-1'),
  value: Buffer.from('{}'),
  headers: [
    ['__TypeId__', Buffer.from('com.example.common.event.OrderCreatedEvent')],
    ['kafka_dlt-original-topic', Buffer.from('stale')],
  ],
};
const sent: Outcome = { status: 'SENT', detail: 'ok' };
const signal = new AbortController().signal;

describe('retry', () => {
  test('tries maxRetries + 1 times, backoff apart, then rethrows', async () => {
    const attempts: number[] = [];
    const failures: Array<[number, boolean]> = [];
    const handler = retry({
      backoffMs: 30,
      maxRetries: 3,
      onAttemptFailed: (_r, _e, n, w) => failures.push([n, w]),
    })(async () => {
      attempts.push(performance.now());
      throw new Error('send failed');
    });
    await assert.rejects(async () => handler(record, signal), /send failed/);
    assert.equal(attempts.length, 4);
    for (let i = 1; i < attempts.length; i++) assert.ok(attempts[i]! - attempts[i - 1]! >= 25);
    assert.deepEqual(failures, [
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ]);
  });

  test('succeeds on a later attempt', async () => {
    let calls = 0;
    const handler = retry({ backoffMs: 1, maxRetries: 3 })(async () => {
      if (++calls < 3) throw new Error('flaky');
      return sent;
    });
    assert.equal((await handler(record, signal)).status, 'SENT');
    assert.equal(calls, 3);
  });

  test('poison records and outages are not retried here', async () => {
    for (const error of [new PoisonRecordError('NOT_JSON', 'bad'), new OutageError('redis', 'down')]) {
      let calls = 0;
      const handler = retry({ backoffMs: 1, maxRetries: 3 })(async () => {
        calls++;
        throw error;
      });
      await assert.rejects(
        async () => handler(record, signal),
        (e) => e === error,
      );
      assert.equal(calls, 1);
    }
  });
});

describe('timeout', () => {
  test('a hung attempt fails with HandlerTimeoutError and its signal is aborted', async () => {
    let seen: AbortSignal | undefined;
    const handler = timeout(30)(
      (_r, s) =>
        new Promise<Outcome>(() => {
          seen = s;
        }),
    );
    await assert.rejects(async () => handler(record, signal), HandlerTimeoutError);
    assert.equal(seen?.aborted, true);
  });
});

describe('dead-letter headers', () => {
  test('repeated original header names are kept in order', () => {
    const twice: ConsumedRecord = {
      ...record,
      headers: [
        ['__TypeId__', Buffer.from('a')],
        ['__TypeId__', Buffer.from('b')],
      ],
    };
    const list = deadLetterHeaders(twice, new Error('x'), 'g');
    assert.deepEqual(
      list.filter(([name]) => name === '__TypeId__').map(([, value]) => value.toString()),
      ['a', 'b'],
    );
  });

  test('Spring names and big-endian encodings; original headers kept, stale dlt headers replaced', () => {
    const error = new Error('downstream said no', { cause: new TypeError('inner') });
    const list = deadLetterHeaders(record, error, 'notification-consumer-group');
    assert.equal(
      list.filter(([name]) => name === 'kafka_dlt-original-topic').length,
      1,
      'stale dlt header dropped',
    );
    const headers = new Map(list);
    assert.equal(headers.get('__TypeId__')?.toString(), 'com.example.common.event.OrderCreatedEvent');
    assert.deepEqual(headers.get('kafka_dlt-original-partition'), Buffer.from([0, 0, 0, 2]));
    assert.equal(headers.get('kafka_dlt-original-offset')?.readBigInt64BE(0), 1234567890123n);
    assert.equal(headers.get('kafka_dlt-original-offset')?.length, 8);
    assert.equal(headers.get('kafka_dlt-original-timestamp')?.readBigInt64BE(0), 1732400000123n);
    assert.equal(headers.get('kafka_dlt-original-topic')?.toString(), 'order.created.v1');
    assert.equal(headers.get('kafka_dlt-original-timestamp-type')?.toString(), 'CreateTime');
    assert.equal(headers.get('kafka_dlt-original-consumer-group')?.toString(), 'notification-consumer-group');
    assert.equal(headers.get('kafka_dlt-exception-fqcn')?.toString(), 'Error');
    assert.equal(headers.get('kafka_dlt-exception-cause-fqcn')?.toString(), 'TypeError');
    assert.equal(headers.get('kafka_dlt-exception-message')?.toString(), 'downstream said no');
    assert.match(headers.get('kafka_dlt-exception-stacktrace')?.toString() ?? '', /downstream said no/);

    const read = readDeadLetterHeaders({ headers: list });
    assert.equal(read.topic, 'order.created.v1');
    assert.equal(read.partition, 2);
    assert.equal(read.offset, 1234567890123n);
    assert.equal(read.reason, 'HANDLER_FAILED');
  });
});

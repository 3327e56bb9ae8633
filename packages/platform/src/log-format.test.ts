import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLogLine } from './log-format.ts';

describe('formatLogLine', () => {
  const time = new Date(2024, 10, 23, 9, 5, 7, 42).toISOString();

  it('prints time, level, service, message and the other fields', () => {
    const line = JSON.stringify({
      level: 'info',
      time,
      service: 'order-service',
      msg: 'order published',
      orderId: 'o-1',
      partition: 2,
      note: 'two words',
      nested: { a: 1 },
    });
    assert.equal(
      formatLogLine(line),
      '09:05:07.042 INFO  [order-service] order published orderId=o-1 partition=2 note="two words" nested={"a":1}',
    );
  });

  it('understands numeric pino levels and epoch-millisecond times', () => {
    const line = JSON.stringify({ level: 50, time: new Date(time).getTime(), msg: 'boom' });
    assert.equal(formatLogLine(line), '09:05:07.042 ERROR [-] boom');
  });

  it('prints an error with its stack on the following lines', () => {
    const line = JSON.stringify({
      level: 'error',
      time,
      service: 's',
      msg: 'failed',
      err: { type: 'Error', message: 'kaput', stack: 'Error: kaput\n    at x (y.ts:1:1)' },
    });
    const out = formatLogLine(line).split('\n');
    assert.equal(out[0], '09:05:07.042 ERROR [s] failed err="Error: kaput"');
    assert.equal(out[1], '    Error: kaput');
  });

  it('passes non-JSON lines through untouched', () => {
    assert.equal(formatLogLine('plain text'), 'plain text');
    assert.equal(formatLogLine('{not json'), '{not json');
    assert.equal(formatLogLine('[1,2]'), '[1,2]');
  });

  it('colours the level when asked', () => {
    const out = formatLogLine(JSON.stringify({ level: 'warn', time, msg: 'm' }), { color: true });
    assert.ok(out.includes('\u001b[33mWARN '), JSON.stringify(out));
  });
});

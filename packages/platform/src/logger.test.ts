import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { createLogger, flushLogger, type LineValue, type LogSink, lineWriter } from './logger.ts';

function capture(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) };
}

/** A sink that takes chunks of bytes, as stdout and the file do: lines may then be written as bytes. */
function chunkCapture(): LogSink & { lines(): string[]; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  return {
    chunks,
    lines: () =>
      Buffer.concat(chunks)
        .toString('utf8')
        .split(/(?<=\n)/),
    write: () => assert.fail('a chunk sink gets chunks only'),
    writeChunk: (bytes) => chunks.push(bytes),
  };
}

describe('createLogger', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'logger-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes JSON lines with service, ISO time and level label to console and file', async () => {
    const sink = capture();
    const logger = createLogger({ service: 'order-service', logDir: dir, consoleSink: sink });
    logger.info({ orderId: 'o-1' }, 'order published');
    logger.debug('not at info level');
    await flushLogger(logger);

    assert.equal(sink.lines.length, 1);
    const record = JSON.parse(sink.lines[0] ?? '');
    assert.equal(record.service, 'order-service');
    assert.equal(record.level, 'info');
    assert.equal(record.msg, 'order published');
    assert.equal(record.orderId, 'o-1');
    assert.match(record.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(readFileSync(join(dir, 'order-service', 'application.log'), 'utf8'), sink.lines[0]);
  });

  it('redacts secrets and masks e-mails without touching the caller’s object', async () => {
    const sink = capture();
    const logger = createLogger({ service: 's', logDir: false, consoleSink: sink });
    const event = { customerEmail: 'user1001@example.com', customerId: 'c-1' };
    logger.info(
      {
        password: 'hunter2',
        event,
        req: { headers: { authorization: 'Bearer abc', host: 'h' } },
        redis: { password: 'pw' },
      },
      'hello',
    );
    logger.child({ email: 'someone@example.org' }).warn('child');
    await flushLogger(logger);

    const text = sink.lines.join('');
    for (const secret of ['hunter2', 'Bearer abc', '"pw"', 'user1001@', 'someone@']) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    const first = JSON.parse(sink.lines[0] ?? '');
    assert.equal(first.password, '[REDACTED]');
    assert.equal(first.event.customerEmail, 'u***@example.com');
    assert.equal(first.event.customerId, 'c-1');
    assert.equal(first.req.headers.authorization, '[REDACTED]');
    assert.equal(first.req.headers.host, 'h');
    assert.equal(JSON.parse(sink.lines[1] ?? '').email, 's***@example.org');
    assert.equal(event.customerEmail, 'user1001@example.com');
  });

  it('redacts inside arrays and errors up to two levels down, and copies only what it changes', async () => {
    const sink = capture();
    const logger = createLogger({ service: 's', logDir: false, consoleSink: sink });
    const shared = { keep: 'me' };
    const error = Object.assign(new Error('boom'), { customerEmail: 'err@example.com' });
    const list = [{ email: 'a1@example.com' }];
    const payload = Buffer.from('token');
    logger.info(
      { list, err: error, shared, payload, deep: { a: { b: { email: 'deep@example.com' } } } },
      'x',
    );
    await flushLogger(logger);
    const line = JSON.parse(sink.lines[0] ?? '');
    assert.equal(line.list[0].email, 'a***@example.com');
    assert.equal(line.err.customerEmail, 'e***@example.com');
    assert.equal(line.err.message, 'boom');
    assert.match(line.err.stack, /Error: boom/);
    assert.deepEqual(line.shared, { keep: 'me' });
    assert.equal(line.payload.type, 'Buffer');
    // Three levels down is out of reach, as with the documented paths (`*.*.email`).
    assert.equal(line.deep.a.b.email, 'deep@example.com');
    assert.equal(list[0]?.email, 'a1@example.com');
    assert.equal(error.customerEmail, 'err@example.com');
  });

  it('hides the arguments of a Redis AUTH or HELLO carried by an error, keeps those of other commands', async () => {
    const sink = capture();
    const logger = createLogger({ service: 's', logDir: false, consoleSink: sink });
    // ioredis's ReplyError: the failed command rides on the error.
    const wrongPass = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'auth', args: ['notifier', 'pw-4711'] },
    });
    const hello = Object.assign(new Error('NOPROTO'), {
      command: { name: 'HELLO', args: ['3', 'AUTH', 'notifier', 'pw-4712'] },
    });
    const get = Object.assign(new Error('NOAUTH'), { command: { name: 'get', args: ['notification:x'] } });
    logger.warn({ err: wrongPass }, 'a');
    logger.warn({ err: hello }, 'b');
    logger.warn({ err: get }, 'c');
    await flushLogger(logger);
    const text = sink.lines.join('');
    assert.ok(!text.includes('pw-4711') && !text.includes('pw-4712'), text);
    const [a, b, c] = sink.lines.map((line) => JSON.parse(line));
    assert.deepEqual(a.err.command, { name: 'auth', args: ['[REDACTED]'] });
    assert.equal(a.err.message, 'WRONGPASS invalid username-password pair');
    assert.deepEqual(b.err.command, { name: 'HELLO', args: ['[REDACTED]'] });
    assert.deepEqual(c.err.command, { name: 'get', args: ['notification:x'] });
    assert.deepEqual(wrongPass.command.args, ['notifier', 'pw-4711'], 'the error itself is not modified');
  });

  it('serialises errors with type, message and stack', async () => {
    const sink = capture();
    const logger = createLogger({ service: 's', logDir: false, consoleSink: sink });
    logger.error({ err: new TypeError('bad thing') }, 'failed');
    await flushLogger(logger);
    const record = JSON.parse(sink.lines[0] ?? '');
    assert.equal(record.err.type, 'TypeError');
    assert.equal(record.err.message, 'bad thing');
    assert.match(record.err.stack, /TypeError: bad thing/);
  });

  it('prints pretty console lines when asked, and keeps the file JSON', async () => {
    const sink = capture();
    const logger = createLogger({ service: 'svc', logDir: dir, consoleSink: sink, consoleFormat: 'pretty' });
    logger.warn({ partition: 1 }, 'slow');
    await flushLogger(logger);
    assert.match(sink.lines[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[svc\] slow partition=1\n$/);
    const fileLine = readFileSync(join(dir, 'svc', 'application.log'), 'utf8');
    assert.equal(JSON.parse(fileLine).msg, 'slow');
  });

  it('flushLogger through a child logger drains the file', async () => {
    const logger = createLogger({ service: 'svc', logDir: dir, console: false });
    const child = logger.child({ component: 'http' });
    for (let i = 0; i < 1000; i++) child.info({ i }, 'line');
    await flushLogger(child);
    const lines = readFileSync(join(dir, 'svc', 'application.log'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 1000);
    assert.equal(JSON.parse(lines[999] ?? '').component, 'http');
  });
});

describe('lineWriter', () => {
  const withoutTime = (line: string) => {
    const { time, ...rest } = JSON.parse(line) as Record<string, unknown>;
    assert.match(String(time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    return rest;
  };

  it('writes the line pino writes for the same fields: order, bindings, masking, redaction, odd values', async () => {
    const sink = capture();
    const logger = createLogger({ service: 'notification-service', logDir: false, consoleSink: sink });
    const child = logger.child({ notifier: 'log' });
    const keys = ['topic', 'partition', 'eventId', 'customerEmail', 'token', 'absent', 'ratio', 'text'];
    const values = [
      'order.created.v1',
      2,
      'e-1',
      'user1001@example.com',
      's3cret',
      undefined,
      Number.NaN,
      'a"\\\n\u0000é😀\ud800',
    ];
    const fields: Record<string, unknown> = {};
    keys.forEach((key, index) => {
      fields[key] = values[index];
    });
    child.info(fields, 'record "processed"');
    lineWriter(child, 'info', keys)(values, 'record "processed"');
    await flushLogger(logger);

    assert.equal(sink.lines.length, 2);
    const [byPino, byWriter] = sink.lines as [string, string];
    assert.deepEqual(
      Object.keys(withoutTime(byWriter)),
      Object.keys(withoutTime(byPino)),
      'same field order',
    );
    assert.deepEqual(withoutTime(byWriter), withoutTime(byPino));
    const line = withoutTime(byWriter);
    assert.equal(line.level, 'info');
    assert.equal(line.service, 'notification-service');
    assert.equal(line.notifier, 'log');
    assert.equal(line.customerEmail, 'u***@example.com');
    assert.equal(line.token, '[REDACTED]');
    assert.equal(line.ratio, null);
    assert.ok(!('absent' in line));
    assert.ok(byWriter.endsWith('}\n'));
    assert.ok(!byWriter.includes('user1001') && !byWriter.includes('s3cret'));
  });

  it('writes the same bytes when every sink takes chunks (the line goes into the chunk as bytes)', async () => {
    const sink = chunkCapture();
    const logger = createLogger({ service: 'notification-service', logDir: false, consoleSink: sink });
    const child = logger.child({ notifier: 'log', note: 'ünïcode "bindings"' });
    const keys = [
      'topic',
      'partition',
      'offset',
      'customerEmail',
      'secret',
      'absent',
      'ratio',
      'big',
      'text',
    ];
    const cases: LineValue[][] = [
      [
        'order.created.v1',
        2,
        '12345',
        'user1001@example.com',
        's3cret',
        undefined,
        Number.NaN,
        -1.5,
        'plain',
      ],
      ['t', 0, '0', 'not-an-email', 'x', undefined, 1e21, 2 ** 53, 'a"\\\n\u0000é😀\ud800\u007f'],
    ];
    // ASCII with quotes, backslashes and a tab: escaped although no character is outside ASCII.
    cases.push(['to"pic\\', 1, '1', 'a@b.c', 'y', 'present', 0, 7, 'tab\there']);
    const messages = ['record "processed" ✓', 'record "processed"', 'back\\slash'];
    for (const values of cases) {
      for (const msg of messages) {
        const fields: Record<string, unknown> = {};
        keys.forEach((key, index) => {
          fields[key] = values[index];
        });
        child.info(fields, msg);
        lineWriter(child, 'info', keys)(values, msg);
      }
    }
    await flushLogger(logger);
    const lines = sink.lines().filter((line) => line.length > 0);
    assert.equal(lines.length, cases.length * messages.length * 2);
    const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"T"');
    for (let index = 0; index < lines.length; index += 2) {
      assert.equal(withoutTime(lines[index + 1]!), withoutTime(lines[index]!), `line ${index}: as pino's`);
    }
    assert.ok(!lines.join('').includes('user1001') && !lines.join('').includes('s3cret'));
  });

  it('lines written as bytes and by pino keep their order across chunks', async () => {
    const sink = chunkCapture();
    const logger = createLogger({ service: 's', logDir: false, consoleSink: sink });
    const write = lineWriter(logger, 'info', ['n', 'pad']);
    const pad = 'x'.repeat(200);
    for (let n = 0; n < 5000; n++) {
      if (n % 3 === 0) logger.info({ n, pad }, 'by pino');
      else write([n, pad], 'by the writer');
    }
    await flushLogger(logger);
    assert.ok(sink.chunks.length > 1, 'more than one chunk');
    const numbers = sink
      .lines()
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line).n);
    assert.deepEqual(
      numbers,
      Array.from({ length: 5000 }, (_, n) => n),
    );
  });

  it("follows the logger's level, also when it changes at runtime", async () => {
    const sink = capture();
    const logger = createLogger({ service: 's', logDir: false, consoleSink: sink });
    const write = lineWriter(logger, 'info', ['n']);
    write([1], 'at info');
    logger.level = 'warn';
    write([2], 'dropped at warn');
    logger.level = 'debug';
    write([3], 'at debug');
    await flushLogger(logger);
    assert.deepEqual(
      sink.lines.map((l) => JSON.parse(l).n),
      [1, 3],
    );
  });

  it('a logger of another destination gets the same fields through pino itself', () => {
    const lines: string[] = [];
    const plain = pino({ base: null, timestamp: false }, { write: (line: string) => lines.push(line) });
    lineWriter(plain, 'warn', ['a', 'b'])(['x', undefined], 'hello');
    assert.deepEqual(JSON.parse(lines[0] ?? ''), { level: 40, a: 'x', msg: 'hello' });
  });
});

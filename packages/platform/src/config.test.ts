import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ConfigError,
  type EnvSource,
  loadConfig,
  loadConfigOrExit,
  parseDurationMs,
  readBool,
  readDurationMs,
  readEnum,
  readInt,
  readList,
  readPort,
  readString,
  readTlsClient,
  readUrl,
} from './config.ts';

function env(vars: Record<string, string>): EnvSource {
  return { vars, problems: [] };
}

describe('config readers', () => {
  it('return defaults when a variable is unset or blank', () => {
    const e = env({ BLANK: '   ' });
    assert.equal(readString(e, 'NOPE', 'dflt'), 'dflt');
    assert.equal(readInt(e, 'BLANK', 7), 7);
    assert.equal(readPort(e, 'NOPE', 8081), 8081);
    assert.equal(readBool(e, 'NOPE', true), true);
    assert.equal(readDurationMs(e, 'NOPE', 2000), 2000);
    assert.deepEqual(readList(e, 'NOPE', ['a']), ['a']);
    assert.equal(readEnum(e, 'NOPE', 'info', ['info', 'debug']), 'info');
    assert.equal(readUrl(e, 'NOPE'), undefined);
    assert.deepEqual(e.problems, []);
  });

  it('parse valid values', () => {
    const e = env({
      S: ' host ',
      I: '-5',
      P: '6379',
      B: 'YES',
      D: '2s',
      L: 'a, b,,c ',
      E: 'DEBUG',
      U: 'https://example.com/x',
    });
    assert.equal(readString(e, 'S', undefined), 'host');
    assert.equal(readInt(e, 'I', 0), -5);
    assert.equal(readPort(e, 'P', 1), 6379);
    assert.equal(readBool(e, 'B', false), true);
    assert.equal(readDurationMs(e, 'D', 0), 2000);
    assert.deepEqual(readList(e, 'L', []), ['a', 'b', 'c']);
    assert.equal(readEnum(e, 'E', 'info', ['info', 'debug']), 'debug');
    assert.equal(readUrl(e, 'U'), 'https://example.com/x');
    assert.deepEqual(e.problems, []);
  });

  it('report a bad port naming the variable, the range and the value', () => {
    const e = env({ REDIS_PORT: 'abc' });
    assert.equal(readPort(e, 'REDIS_PORT', 6379), 6379);
    assert.deepEqual(e.problems, ['REDIS_PORT must be an integer between 1 and 65535, got "abc"']);
  });

  it('reject out-of-range and non-integer numbers', () => {
    const e = env({ A: '0', B: '1.5', C: '99999999999999999999', D: '12abc' });
    readPort(e, 'A', 1);
    readInt(e, 'B', 1);
    readInt(e, 'C', 1);
    readInt(e, 'D', 1, { min: 0 });
    assert.equal(e.problems.length, 4);
    assert.match(e.problems[3] ?? '', /^D must be an integer >= 0, got "12abc"$/);
  });

  it('report a missing required string', () => {
    const e = env({});
    readString(e, 'KAFKA_BOOTSTRAP_SERVERS', undefined);
    assert.deepEqual(e.problems, ['KAFKA_BOOTSTRAP_SERVERS is required']);
  });

  it('check a string pattern', () => {
    const e = env({ T: 'Bad Topic' });
    readString(e, 'T', 'x', { pattern: /^[\w.-]+$/, describe: 'a Kafka topic name' });
    assert.deepEqual(e.problems, ['T must be a Kafka topic name, got "Bad Topic"']);
  });

  it('report bad booleans, durations, enums, lists and URLs', () => {
    const e = env({ B: 'maybe', D: '2 fortnights', E: 'loud', L: ' , ', U: 'ftp://x' });
    readBool(e, 'B', false);
    readDurationMs(e, 'D', 1);
    readEnum(e, 'E', 'info', ['info', 'debug']);
    readList(e, 'L', ['x'], { minItems: 1 });
    readUrl(e, 'U');
    assert.equal(e.problems.length, 5);
    assert.match(e.problems[2] ?? '', /^E must be one of info, debug, got "loud"$/);
    assert.match(e.problems[4] ?? '', /^U must be an absolute http or https URL, got "ftp:\/\/x"$/);
  });

  it('never echo the value of a secret-looking variable', () => {
    const e = env({ REDIS_PASSWORD: 'hunter2', API_KEY: 'k-123', AUTH_TOKEN: 'abc', CLIENT_SECRET: 's3' });
    readInt(e, 'REDIS_PASSWORD', 0);
    readInt(e, 'API_KEY', 0);
    readBool(e, 'AUTH_TOKEN', false);
    readUrl(e, 'CLIENT_SECRET');
    assert.equal(e.problems.length, 4);
    const all = e.problems.join('\n');
    for (const secret of ['hunter2', 'k-123', 'abc', 's3']) assert.ok(!all.includes(secret), all);
    assert.match(all, /REDIS_PASSWORD must be an integer, got <hidden>/);
  });

  it('truncate very long values in messages', () => {
    const e = env({ X: 'y'.repeat(500) });
    readInt(e, 'X', 0);
    assert.ok((e.problems[0] ?? '').length < 160);
  });
});

describe('parseDurationMs', () => {
  it('accepts Spring-like forms', () => {
    assert.equal(parseDurationMs('2000'), 2000);
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('1.5s'), 1500);
    assert.equal(parseDurationMs('2m'), 120_000);
    assert.equal(parseDurationMs('1h'), 3_600_000);
    assert.equal(parseDurationMs('7d'), 604_800_000);
    assert.equal(parseDurationMs('PT2S'), 2000);
    assert.equal(parseDurationMs('pt1m30s'), 90_000);
  });
  it('rejects garbage', () => {
    assert.equal(parseDurationMs('PT'), undefined);
    assert.equal(parseDurationMs('-1s'), undefined);
    assert.equal(parseDurationMs('2 weeks'), undefined);
  });
});

describe('loadConfig', () => {
  const build = (e: EnvSource) => ({
    redisPort: readPort(e, 'REDIS_PORT', 6379),
    port: readPort(e, 'SERVER_PORT', 8081),
    backoff: readDurationMs(e, 'RETRY_BACKOFF', 2000),
  });

  it('returns typed config when all is well', () => {
    assert.deepEqual(loadConfig(build, { SERVER_PORT: '9000' }), {
      redisPort: 6379,
      port: 9000,
      backoff: 2000,
    });
  });

  it('collects every problem into one ConfigError', () => {
    assert.throws(
      () => loadConfig(build, { REDIS_PORT: 'abc', SERVER_PORT: '70000', RETRY_BACKOFF: 'soon' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 3);
        assert.match(error.message, /3 problems/);
        assert.match(error.message, /REDIS_PORT must be an integer between 1 and 65535, got "abc"/);
        assert.match(error.message, /SERVER_PORT .* got "70000"/);
        assert.match(error.message, /RETRY_BACKOFF .* got "soon"/);
        return true;
      },
    );
  });

  it('loadConfigOrExit prints to stderr and exits 1', () => {
    let written = '';
    let code: number | undefined;
    assert.throws(() =>
      loadConfigOrExit(build, undefined, {
        vars: { REDIS_PORT: 'abc' },
        writeStderr: (t) => {
          written += t;
        },
        exit: (c) => {
          code = c;
          throw new Error('exited');
        },
      }),
    );
    assert.equal(code, 1);
    assert.match(written, /REDIS_PORT must be an integer between 1 and 65535, got "abc"/);
  });

  it('loadConfigOrExit rethrows errors that are not configuration errors', () => {
    assert.throws(
      () =>
        loadConfigOrExit(
          () => {
            throw new TypeError('bug');
          },
          undefined,
          { vars: {}, exit: () => assert.fail('must not exit') },
        ),
      TypeError,
    );
  });
});

describe('readTlsClient', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-config-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nCA\n');
  const cert = file('cert.pem', '-----BEGIN CERTIFICATE-----\nCLIENT\n');
  const key = file('key.pem', '-----BEGIN PRIVATE KEY-----\nKEY\n');

  it('is off unless enabled', () => {
    const e = env({ REDIS_TLS_CA_FILE: ca });
    assert.equal(readTlsClient(e, 'REDIS'), undefined);
    assert.deepEqual(e.problems, []);
  });

  it('verifies the server by default and reads the PEM files it is given', () => {
    const e = env({
      REDIS_TLS_ENABLED: 'true',
      REDIS_TLS_CA_FILE: ca,
      REDIS_TLS_CERT_FILE: cert,
      REDIS_TLS_KEY_FILE: key,
      REDIS_TLS_SERVERNAME: 'redis.internal',
    });
    assert.deepEqual(readTlsClient(e, 'REDIS'), {
      rejectUnauthorized: true,
      ca: '-----BEGIN CERTIFICATE-----\nCA\n',
      cert: '-----BEGIN CERTIFICATE-----\nCLIENT\n',
      key: '-----BEGIN PRIVATE KEY-----\nKEY\n',
      servername: 'redis.internal',
    });
    assert.deepEqual(e.problems, []);
    assert.deepEqual(readTlsClient(env({ KAFKA_TLS_ENABLED: '1' }), 'KAFKA'), { rejectUnauthorized: true });
  });

  it('names an unreadable file, a certificate without its key, and a bad switch', () => {
    const missing = env({ KAFKA_TLS_ENABLED: 'yes', KAFKA_TLS_CA_FILE: join(dir, 'absent.pem') });
    readTlsClient(missing, 'KAFKA');
    assert.equal(missing.problems.length, 1);
    assert.match(missing.problems[0]!, /^KAFKA_TLS_CA_FILE cannot be read: .*absent\.pem/);

    const half = env({ REDIS_TLS_ENABLED: 'true', REDIS_TLS_CERT_FILE: cert });
    readTlsClient(half, 'REDIS');
    assert.deepEqual(half.problems, [
      'REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together: set both or neither',
    ]);

    const loose = env({ REDIS_TLS_ENABLED: 'true', REDIS_TLS_REJECT_UNAUTHORIZED: 'maybe' });
    assert.equal(readTlsClient(loose, 'REDIS')?.rejectUnauthorized, true);
    assert.match(loose.problems[0]!, /REDIS_TLS_REJECT_UNAUTHORIZED/);
  });
});

/** Instant reading (every form the Java consumer reads), range checks and the canonical form. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InstantFormatError,
  instantFromEpochMillis,
  instantToJson,
  isInstant,
  nowInstant,
  parseInstant,
  tryParseInstant,
} from './instant.ts';
import { JsonNumber } from './json-number.ts';

const num = (source: string) => new JsonNumber(source);

function messageOf(value: string | JsonNumber): string {
  const result = tryParseInstant(value);
  assert.equal(result.ok, false, `${String(value)} should be refused`);
  return result.ok ? '' : result.message;
}

describe('parseInstant: JSON numbers are epoch seconds (what Java writes)', () => {
  it('reads nine fraction digits exactly, without float arithmetic', () => {
    assert.equal(parseInstant(num('1732400000.123456000')), '2024-11-23T22:13:20.123456Z');
    assert.equal(parseInstant(num('1732400000.123456789')), '2024-11-23T22:13:20.123456789Z');
    assert.equal(parseInstant(num('1732400000.000000001')), '2024-11-23T22:13:20.000000001Z');
    assert.equal(parseInstant(num('1732400000.100000000')), '2024-11-23T22:13:20.100Z');
    assert.equal(parseInstant(num('1732400000.000000000')), '2024-11-23T22:13:20Z');
  });

  it('reads an integer as seconds, and exponent forms exactly', () => {
    assert.equal(parseInstant(num('1732400000')), '2024-11-23T22:13:20Z');
    assert.equal(parseInstant(num('1.7324E9')), '2024-11-23T22:13:20Z');
    assert.equal(parseInstant(num('17324000001234E-4')), '2024-11-23T22:13:20.123400Z');
    assert.equal(parseInstant(num('0')), '1970-01-01T00:00:00Z');
    assert.equal(parseInstant(num('-0')), '1970-01-01T00:00:00Z');
  });

  it('refuses epoch milliseconds (they land after 9999), negatives, and more than 9 significant fraction digits', () => {
    assert.match(messageOf(num('1732400000123')), /^1732400000123 is outside 1970/);
    assert.match(messageOf(num('-1')), /is outside 1970/);
    assert.match(messageOf(num('-0.5')), /is outside 1970/);
    assert.match(messageOf(num('1732400000.1234567891')), /has more than 9 fraction digits/);
    assert.match(messageOf(num('1e-10')), /has more than 9 fraction digits/);
    assert.match(messageOf(num('1E+1000000000000')), /is outside/);
    assert.match(messageOf(num('1e-1000000000')), /has more than 9 fraction digits/);
  });

  it('accepts trailing zeros beyond the ninth fraction digit (the value still has nanosecond precision)', () => {
    assert.equal(parseInstant(num('1732400000.1234560000000')), '2024-11-23T22:13:20.123456Z');
  });

  it('has 9999-12-31T23:59:59.999999999Z as its last instant', () => {
    assert.equal(parseInstant(num('253402300799.999999999')), '9999-12-31T23:59:59.999999999Z');
    assert.match(messageOf(num('253402300800')), /is outside/);
  });
});

describe('parseInstant: strings', () => {
  it('keeps a canonical UTC string as it is', () => {
    for (const text of ['2026-11-23T10:00:00.123Z', '2026-11-23T10:00:00Z', '2026-11-23T10:00:00.123456789Z'])
      assert.equal(parseInstant(text), text);
  });

  it('normalizes fraction digits to groups of three, as Instant.toString() prints them', () => {
    assert.equal(parseInstant('2026-11-23T10:00:00.1Z'), '2026-11-23T10:00:00.100Z');
    assert.equal(parseInstant('2026-11-23T10:00:00.000Z'), '2026-11-23T10:00:00Z');
    assert.equal(parseInstant('2026-11-23T10:00:00.1234Z'), '2026-11-23T10:00:00.123400Z');
    assert.equal(parseInstant('2026-11-23T10:00:00.120000Z'), '2026-11-23T10:00:00.120Z');
  });

  it('normalizes offsets to UTC, including the zero-offset spellings Jackson rewrites to Z', () => {
    assert.equal(parseInstant('2026-11-23T19:00:00+09:00'), '2026-11-23T10:00:00Z');
    assert.equal(parseInstant('2026-11-23T05:30:00.5-04:30'), '2026-11-23T10:00:00.500Z');
    assert.equal(parseInstant('2026-11-23T10:00:00+00:00'), '2026-11-23T10:00:00Z');
    assert.equal(parseInstant('2026-11-23T10:00:00+0000'), '2026-11-23T10:00:00Z');
    assert.equal(parseInstant('2026-11-23T10:00:00+00'), '2026-11-23T10:00:00Z');
    assert.equal(parseInstant('2026-11-23T10:00:00-00:00'), '2026-11-23T10:00:00Z');
    assert.equal(parseInstant('2026-11-24T00:00:00+14:00:00'), '2026-11-23T10:00:00Z');
    assert.equal(parseInstant('2026-11-23t10:00:00z'), '2026-11-23T10:00:00Z');
  });

  it('reads digit strings as epoch seconds and trims surrounding spaces, as Jackson does', () => {
    assert.equal(parseInstant('1732400000'), '2024-11-23T22:13:20Z');
    assert.equal(parseInstant('1732400000.123456000'), '2024-11-23T22:13:20.123456Z');
    assert.equal(parseInstant(' 2026-11-23T10:00:00Z '), '2026-11-23T10:00:00Z');
  });

  it('checks the calendar: leap years, month lengths, times of day', () => {
    assert.equal(parseInstant('2024-02-29T00:00:00Z'), '2024-02-29T00:00:00Z');
    assert.equal(parseInstant('2000-02-29T23:59:59Z'), '2000-02-29T23:59:59Z');
    for (const text of [
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-01T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
    ])
      assert.match(messageOf(text), /is not a valid date and time/, text);
  });

  it('refuses years outside 1970..9999, also when the offset moves the instant out', () => {
    assert.match(messageOf('1969-12-31T23:59:59Z'), /is outside 1970/);
    assert.match(messageOf('1970-01-01T00:30:00+01:00'), /is outside 1970/);
    assert.equal(parseInstant('1970-01-01T00:00:00Z'), '1970-01-01T00:00:00Z');
    assert.match(messageOf('+10000-01-01T00:00:00Z'), /is not an ISO-8601 instant/);
  });

  it('refuses forms the Java consumer refuses, and says why', () => {
    for (const text of [
      'abc',
      '2026-11-23',
      '2026-11-23T10:00Z',
      '2026-11-23T10:00:00',
      '2026-11-23 10:00:00Z',
      '2026-11-23T10:00:00.Z',
      '2026-11-23T10:00:00+0900',
      '2026-11-23T10:00:00+09',
      '-1',
      '1.2.3',
      'null',
    ])
      assert.match(messageOf(text), /is not|has/, text);
    assert.match(messageOf('2026-11-23T10:00:00.1234567891Z'), /has more than 9 fraction digits/);
    assert.match(messageOf('2026-11-23T10:00:00+18:01'), /invalid offset/);
    assert.equal(messageOf('abc'), '"abc" is not an ISO-8601 instant or a number of epoch seconds');
  });

  it('throws InstantFormatError from parseInstant', () => {
    assert.throws(() => parseInstant('abc'), InstantFormatError);
  });
});

describe('nowInstant / instantFromEpochMillis / instantToJson / isInstant', () => {
  it('nowInstant is the current time, canonical, to the millisecond', () => {
    const before = Date.now();
    const now = nowInstant();
    const after = Date.now();
    const ms = Date.parse(now);
    assert.ok(ms >= before && ms <= after, `${now} between ${before} and ${after}`);
    assert.equal(isInstant(now), true);
  });

  it('instantFromEpochMillis prints milliseconds, none when zero', () => {
    assert.equal(instantFromEpochMillis(1_732_400_000_123), '2024-11-23T22:13:20.123Z');
    assert.equal(instantFromEpochMillis(1_732_400_000_000), '2024-11-23T22:13:20Z');
    assert.equal(instantFromEpochMillis(0), '1970-01-01T00:00:00Z');
    assert.throws(() => instantFromEpochMillis(-1), InstantFormatError);
    assert.throws(() => instantFromEpochMillis(1.5), InstantFormatError);
  });

  it('formats dates across the whole range like Date#toISOString', () => {
    for (const ms of [
      0, 951_782_400_000, 4_107_542_399_000, 253_402_300_799_000, 68_256_000_000, 1_709_164_800_000,
    ]) {
      assert.equal(instantFromEpochMillis(ms), new Date(ms).toISOString().replace('.000Z', 'Z'));
    }
  });

  it('instantToJson is the ISO text', () => {
    const instant = parseInstant('2026-11-23T10:00:00.123Z');
    assert.equal(JSON.stringify({ at: instantToJson(instant) }), '{"at":"2026-11-23T10:00:00.123Z"}');
  });

  it('isInstant accepts only canonical text', () => {
    assert.equal(isInstant('2026-11-23T10:00:00.123Z'), true);
    assert.equal(isInstant('2026-11-23T10:00:00.000Z'), false);
    assert.equal(isInstant('2026-11-23T19:00:00+09:00'), false);
    assert.equal(isInstant(1732400000), false);
  });
});

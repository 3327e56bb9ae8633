import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapError, UNEXPECTED_ERROR_MESSAGE } from './error-mapper.ts';
import { ClientError, PublishError, ValidationError } from './errors.ts';

const now = () => new Date('2024-11-23T10:00:00.000Z');
const timestamp = '2024-11-23T10:00:00.000Z';

function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('mapError', () => {
  it('maps ValidationError to 400 with details', () => {
    const mapped = mapError(new ValidationError(['customerId: customerId is required']), { now });
    assert.equal(mapped.status, 400);
    assert.deepEqual(mapped.body, {
      timestamp,
      status: 400,
      error: 'Validation failed',
      details: ['customerId: customerId is required'],
    });
    assert.equal(mapped.logLevel, 'debug');
  });

  it('maps ClientError to its own status, error and message', () => {
    const mapped = mapError(new ClientError(422, 'Unsupported transition', 'requested=20->80'), { now });
    assert.deepEqual(mapped.body, {
      timestamp,
      status: 422,
      error: 'Unsupported transition',
      message: 'requested=20->80',
    });
  });

  it('maps PublishError to 503 Event publish failed', () => {
    const mapped = mapError(new PublishError('broker did not acknowledge within 5000 ms'), { now });
    assert.equal(mapped.status, 503);
    assert.deepEqual(mapped.body, {
      timestamp,
      status: 503,
      error: 'Event publish failed',
      message: 'broker did not acknowledge within 5000 ms',
    });
    assert.equal(mapped.logLevel, 'error');
  });

  it('maps anything else to a generic 500 that reveals nothing', () => {
    for (const error of [new Error('password=hunter2 at db:5432'), 'a string', null, { statusCode: 404 }]) {
      const mapped = mapError(error, { now });
      assert.equal(mapped.status, 500);
      assert.deepEqual(mapped.body, {
        timestamp,
        status: 500,
        error: 'Unexpected error',
        message: UNEXPECTED_ERROR_MESSAGE,
      });
      assert.equal(mapped.logLevel, 'error');
    }
  });

  it('maps Fastify media-type and size errors with useful messages', () => {
    const media = mapError(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type'), {
      contentType: 'text/plain',
    });
    assert.equal(media.status, 415);
    assert.equal(media.body.error, 'Unsupported Media Type');
    assert.match(media.body.message ?? '', /'text\/plain' is not supported/);

    const large = mapError(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'), {
      bodyLimitBytes: 1024,
    });
    assert.equal(large.status, 413);
    assert.equal(large.body.error, 'Payload Too Large');
    assert.match(large.body.message ?? '', /1024 bytes/);
  });

  it('passes through other Fastify 4xx errors with their status text', () => {
    const mapped = mapError(fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'Bad content length'));
    assert.equal(mapped.status, 400);
    assert.equal(mapped.body.error, 'Bad Request');
    assert.equal(mapped.body.message, 'Bad content length');
  });

  it('answers a bad URL and an over-long path parameter without quoting the path', () => {
    const path = `/api/orders/${'a'.repeat(2000)}%zz/status`;
    const badUrl = mapError(fastifyError('FST_ERR_BAD_URL', 400, `'${path}' is not a valid url component`));
    assert.equal(badUrl.status, 400);
    assert.equal(badUrl.body.error, 'Bad Request');
    assert.match(badUrl.body.message ?? '', /not valid/);
    const long = mapError(fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414, `'${path}' is exceeding the max`));
    assert.equal(long.status, 414);
    assert.equal(long.body.error, 'URI Too Long');
    for (const mapped of [badUrl, long]) assert.ok(!JSON.stringify(mapped.body).includes('aaaa'));
  });

  it('turns Fastify schema validation into SPEC details', () => {
    const error = Object.assign(new Error('body must have required property'), {
      code: 'FST_ERR_VALIDATION',
      statusCode: 400,
      validation: [
        {
          instancePath: '',
          message: "must have required property 'currency'",
          params: { missingProperty: 'currency' },
        },
        { instancePath: '/stockQuantity', message: 'must be >= 0', params: {} },
      ],
    });
    const mapped = mapError(error);
    assert.equal(mapped.body.error, 'Validation failed');
    assert.deepEqual(mapped.body.details, [
      "currency: must have required property 'currency'",
      'stockQuantity: must be >= 0',
    ]);
  });

  it('produces an ISO-8601 timestamp by default', () => {
    assert.match(mapError(new Error('x')).body.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});

describe('ClientError', () => {
  it('refuses a non-4xx status', () => {
    assert.throws(() => new ClientError(500, 'x', 'y'), RangeError);
    assert.throws(() => new ClientError(302, 'x', 'y'), RangeError);
  });
});

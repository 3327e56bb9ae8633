/**
 * The one place where an error becomes an HTTP response (ARCHITECTURE: "errors are values with a home").
 *
 * A pure function, so every mapping is testable without a server: typed errors from `errors.ts`,
 * Fastify's own request errors (bad media type, body too large, schema validation), and anything else,
 * which is a bug or an outage and answers a generic 500 whose details stay in the log.
 */
import { STATUS_CODES } from 'node:http';
import { ClientError, type ErrorBody, PublishError, ValidationError } from './errors.ts';
import { MALFORMED_JSON } from './json-body.ts';

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** How loudly to log it: client mistakes are routine, 5xx are not. */
  logLevel: 'debug' | 'error';
}

export interface MapContext {
  /** The request's Content-Type header, for a 415 message that says what was sent. */
  contentType?: string | undefined;
  /** The body limit, for a 413 message that says what is allowed. */
  bodyLimitBytes?: number;
  now?: () => Date;
}

export const UNEXPECTED_ERROR_MESSAGE = 'An unexpected error occurred; see the server log for details';

/** Builds a SPEC error body; `message` and `details` are left out when absent. */
export function errorBody(
  status: number,
  error: string,
  message?: string,
  details?: readonly string[],
  now: () => Date = () => new Date(),
): ErrorBody {
  const body: ErrorBody = { timestamp: now().toISOString(), status, error };
  if (message !== undefined) body.message = message;
  if (details !== undefined) body.details = details;
  return body;
}

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: unknown;
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string };
}

/** Fastify schema-validation issues as `<field>: <message>` lines, the SPEC's `details` format. */
function schemaDetails(validation: readonly AjvIssue[]): string[] {
  return validation.map((issue) => {
    const path = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const field = issue.params?.missingProperty ?? path;
    return field ? `${field}: ${issue.message ?? 'is invalid'}` : (issue.message ?? 'is invalid');
  });
}

export function mapError(error: unknown, ctx: MapContext = {}): MappedError {
  const now = ctx.now ?? (() => new Date());
  const client = (
    status: number,
    name: string,
    message?: string,
    details?: readonly string[],
  ): MappedError => ({
    status,
    body: errorBody(status, name, message, details, now),
    logLevel: 'debug',
  });

  if (error instanceof ValidationError) return client(400, 'Validation failed', undefined, error.details);
  if (error instanceof ClientError) return client(error.status, error.error, error.message);
  if (error instanceof PublishError) {
    return {
      status: 503,
      body: errorBody(503, 'Event publish failed', error.message, undefined, now),
      logLevel: 'error',
    };
  }

  const e = (typeof error === 'object' && error !== null ? error : {}) as FastifyLikeError;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : undefined;

  if (Array.isArray(e.validation))
    return client(400, 'Validation failed', undefined, schemaDetails(e.validation));
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const sent = ctx.contentType
        ? `Content-Type '${ctx.contentType}' is not supported`
        : 'Content-Type is missing';
      return client(415, 'Unsupported Media Type', `${sent}; send application/json`);
    }
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = ctx.bodyLimitBytes === undefined ? '' : ` of ${ctx.bodyLimitBytes} bytes`;
      return client(413, 'Payload Too Large', `Request body exceeds the limit${limit}`);
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return client(400, MALFORMED_JSON, 'Request body is missing');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return client(400, MALFORMED_JSON, message);
    // Fastify's messages for these quote the whole path, however long or hostile: say it without it.
    case 'FST_ERR_BAD_URL':
      return client(400, 'Bad Request', 'The URL is not valid: malformed percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return client(414, 'URI Too Long', 'A path parameter is longer than allowed');
  }
  // Fastify's other request errors (bad Content-Length, ...) carry a safe 4xx and message.
  const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
  if (code.startsWith('FST_') && status >= 400 && status < 500) {
    return client(status, STATUS_CODES[status] ?? 'Bad Request', message);
  }
  return {
    status: 500,
    body: errorBody(500, 'Unexpected error', UNEXPECTED_ERROR_MESSAGE, undefined, now),
    logLevel: 'error',
  };
}

/**
 * The services' HTTP server: Fastify, set up so that routes only ever see a parsed JSON body and
 * throw typed errors, and everything around that is uniform across services.
 *
 * - Request bodies: only JSON (`application/json`, `application/*+json`, strictly valid UTF-8), parsed by
 *   `json-body.ts` (numbers kept exact as `JsonNumber`). Other media types: 415. A POST/PUT/PATCH
 *   without a body: 415 without a Content-Type, 400 with one (route config `bodyOptional: true` opts out).
 * - Errors: one error handler, one not-found handler and Fastify's framework errors (bad URL encoding,
 *   over-long path parameters), all through `mapError`, and HTTP the parser refuses answered on the
 *   socket, so every error response has the SPEC's shape. A known path with the wrong method answers
 *   405 with `Allow`.
 * - Observability: a debug line per request (not info: at 1,000 req/s that is noise) and the
 *   `http_server_requests_seconds` histogram labelled by route pattern.
 * - Shutdown: once `app.close()` begins, requests still arriving on open connections get a 503 in the
 *   SPEC's shape with `Connection: close`.
 *
 * Listening is the caller's move (`startHttpServer`), so tests use `app.inject()` without a socket.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { errorBody, mapError } from './error-mapper.ts';
import { ClientError } from './errors.ts';
import { httpRequestHistogram, UNMATCHED_ROUTE } from './http-metrics.ts';
import {
  assertUtf8Charset,
  DEFAULT_MAX_JSON_DEPTH,
  decodeUtf8Body,
  JSON_SUFFIX_MEDIA_TYPE,
  parseJsonBody,
} from './json-body.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** POST/PUT/PATCH routes require a JSON body unless this is true. */
    bodyOptional?: boolean;
  }
}

export type HttpServer = FastifyInstance;

export interface HttpServerOptions {
  logger: Logger;
  /** Largest accepted request body; default 1 MiB. Larger: 413. */
  bodyLimitBytes?: number;
  /** Deepest accepted JSON nesting; default 32. Deeper: 400. */
  maxJsonDepth?: number;
  serviceName: string;
  /** Registry receiving `http_server_requests_seconds`. */
  metrics: Registry;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const serviceNames = new WeakMap<HttpServer, string>();
const ROUTABLE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const bodyLimitBytes = opts.bodyLimitBytes ?? 1_048_576;
  const maxJsonDepth = opts.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const app = fastify({
    loggerInstance: opts.logger.child({ component: 'http' }),
    // Fastify's own per-request lines are at info; ours (onResponse below) are at debug.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    // Fastify's own 503-while-closing body is not the SPEC's shape; installDrain answers it instead.
    return503OnClosing: false,
    // Bad percent-encoding and over-long path parameters are answered before routing, by default in
    // Fastify's own shape; these and unparseable HTTP (clientError) get the SPEC's shape too.
    frameworkErrors: (error, request, reply) => {
      replyWithError(error, request, reply, bodyLimitBytes);
    },
    clientErrorHandler: answerClientError,
  }) as unknown as HttpServer;
  serviceNames.set(app, opts.serviceName);

  installDrain(app);
  installJsonParser(app, maxJsonDepth);
  installBodyRequirement(app);
  installErrorMapping(app, bodyLimitBytes);
  installObservability(app, opts.metrics);
  return app;
}

/** Once `app.close()` has begun, requests still arriving on open connections get a SPEC-shaped 503. */
function installDrain(app: HttpServer): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    return sendError(
      reply,
      503,
      'Service Unavailable',
      'The server is shutting down; retry on another instance',
    );
  });
}

function installJsonParser(app: HttpServer, maxJsonDepth: number): void {
  app.removeAllContentTypeParsers();
  const parser = (
    request: FastifyRequest,
    body: Buffer,
    done: (err: Error | null, body?: unknown) => void,
  ) => {
    try {
      assertUtf8Charset(request.headers['content-type']);
      // Decoded strictly: a lenient decode would turn invalid bytes into U+FFFD and publish them.
      done(null, parseJsonBody(decodeUtf8Body(body), maxJsonDepth));
    } catch (error) {
      done(error as Error);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parser);
  app.addContentTypeParser(JSON_SUFFIX_MEDIA_TYPE, { parseAs: 'buffer' }, parser);
}

/** Fastify lets a bodiless POST through with `body === undefined`; for a JSON API that is an error. */
function installBodyRequirement(app: HttpServer): void {
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined || request.is404 || !BODY_METHODS.has(request.method)) return;
    if (request.routeOptions.config.bodyOptional === true) return;
    if (request.headers['content-type'] === undefined) {
      throw new ClientError(415, 'Unsupported Media Type', 'Content-Type is missing; send application/json');
    }
    throw new ClientError(400, 'Malformed JSON request', 'Request body is missing');
  });
}

function replyWithError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  bodyLimitBytes: number,
): FastifyReply {
  const mapped = mapError(error, { contentType: request.headers['content-type'], bodyLimitBytes });
  if (mapped.logLevel === 'error') {
    request.log.error({ err: error, method: request.method, route: routeOf(request) }, 'request failed');
  } else {
    request.log.debug(
      { status: mapped.status, reason: mapped.body.message ?? mapped.body.error },
      'request rejected',
    );
  }
  return reply.code(mapped.status).type('application/json').send(mapped.body);
}

/**
 * Bytes Node's HTTP parser refuses (unknown method, raw non-ASCII in the path, NUL in a header, headers
 * over the size limit) never reach a route: answer them on the socket in the SPEC's shape and close.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers exceed the size limit']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time']
        : [400, 'The request is not valid HTTP'];
  const reason = STATUS_CODES[status] ?? 'Bad Request';
  if (socket.writable) {
    const body = JSON.stringify(errorBody(status, reason, message));
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function installErrorMapping(app: HttpServer, bodyLimitBytes: number): void {
  app.setErrorHandler((error, request, reply) => replyWithError(error, request, reply, bodyLimitBytes));

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    const allowed = ROUTABLE_METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        reply,
        405,
        'Method Not Allowed',
        `Request method '${request.method}' is not supported`,
      );
    }
    return sendError(reply, 404, 'Not Found', `No endpoint ${request.method} ${path}`);
  });
}

function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(errorBody(status, error, message));
}

function routeOf(request: FastifyRequest): string {
  return request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
}

function installObservability(app: HttpServer, registry: Registry): void {
  const histogram = httpRequestHistogram(registry);
  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    histogram.observe({ method: request.method, route, status: String(status) }, reply.elapsedTime / 1000);
    if ((request.log as Logger).isLevelEnabled('debug')) {
      request.log.debug(
        {
          method: request.method,
          url: request.url,
          route,
          status,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request completed',
      );
    }
  });
}

/** Listening failed: the message names host and port and says what to do. */
export class ListenError extends Error {
  readonly host: string;
  readonly port: number;

  constructor(message: string, host: string, port: number, cause: unknown) {
    super(message, { cause });
    this.name = 'ListenError';
    this.host = host;
    this.port = port;
  }
}

/** `app.listen`, with the usual failures explained. Resolves to the address, e.g. `http://0.0.0.0:8081`. */
export async function startHttpServer(
  app: HttpServer,
  where: { host: string; port: number },
): Promise<string> {
  const { host, port } = where;
  try {
    const name = serviceNames.get(app) ?? 'HTTP server';
    return await app.listen({
      host,
      port,
      listenTextResolver: (address) => `${name} listening at ${address}`,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EADDRINUSE') {
      throw new ListenError(
        `Port ${port} is already in use (host ${host}): stop the other process or choose another port`,
        host,
        port,
        error,
      );
    }
    if (code === 'EACCES') {
      throw new ListenError(
        `Not allowed to listen on port ${port} (host ${host}): choose a port above 1023`,
        host,
        port,
        error,
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new ListenError(
        `Cannot listen on host ${host} (port ${port}): no such local address`,
        host,
        port,
        error,
      );
    }
    throw error;
  }
}

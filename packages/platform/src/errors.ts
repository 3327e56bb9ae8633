/**
 * The typed errors a route may throw. The one error mapper (`error-mapper.ts`) turns each into the
 * SPEC's error body; no route writes an error response itself.
 */

/** Request failed validation: 400 `{ error: "Validation failed", details }`, one line per problem. */
export class ValidationError extends Error {
  readonly details: readonly string[];

  constructor(details: readonly string[]) {
    super(`Validation failed: ${details.join('; ')}`);
    this.name = 'ValidationError';
    this.details = details;
  }
}

/** Any other client mistake (e.g. an unsupported status transition): that 4xx status, error, message. */
export class ClientError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, message: string) {
    if (!Number.isInteger(status) || status < 400 || status > 499) {
      throw new RangeError(`ClientError status must be 4xx, got ${status}`);
    }
    super(message);
    this.name = 'ClientError';
    this.status = status;
    this.error = error;
  }
}

/** The broker did not acknowledge an event in time: 503 `{ error: "Event publish failed", message }`. */
export class PublishError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishError';
  }
}

/** The body of every error response (SPEC "Error bodies"). */
export interface ErrorBody {
  /** ISO-8601 instant of the response. */
  timestamp: string;
  status: number;
  error: string;
  message?: string;
  details?: readonly string[];
}

/**
 * @commerce/platform: what every service needs around its domain code: configuration from the
 * environment, logging, the HTTP server with its error mapping, management endpoints, metrics and
 * graceful shutdown.
 */
export { type ActuatorOptions, registerActuator } from './actuator.ts';
export {
  ConfigError,
  type EnvSource,
  type IntOptions,
  isSecretName,
  type LoadConfigIo,
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
  type StringOptions,
  type TlsClientOptions,
} from './config.ts';
export { errorBody, type MappedError, mapError, UNEXPECTED_ERROR_MESSAGE } from './error-mapper.ts';
export { ClientError, type ErrorBody, PublishError, ValidationError } from './errors.ts';
export { type GitInfo, readGitInfo } from './git-info.ts';
export {
  checkHealth,
  type HealthIndicator,
  type HealthReport,
  type HealthResult,
  type HealthStatus,
  runCheck,
} from './health.ts';
export {
  createHttpServer,
  type HttpServer,
  type HttpServerOptions,
  ListenError,
  startHttpServer,
} from './http.ts';
export { HTTP_REQUESTS_METRIC, UNMATCHED_ROUTE } from './http-metrics.ts';
export { MALFORMED_JSON, parseJsonBody } from './json-body.ts';
export { JsonNumber } from './json-number.ts';
export { type FormatOptions, formatLogLine } from './log-format.ts';
export {
  createLogger,
  flushLogger,
  isoNow,
  type LineValue,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogSink,
  lineWriter,
} from './logger.ts';
export { createLoggerFrom, type LoggingConfig, readLoggingConfig } from './logging-config.ts';
export { maskEmail } from './mask.ts';
export { Counter, createMetrics, Gauge, Histogram, type Registry } from './metrics.ts';
export { DailyRollingFile, type RollingFileOptions } from './rolling-file.ts';
export {
  createShutdown,
  installShutdown,
  type Shutdown,
  type ShutdownDeps,
  type ShutdownOptions,
  type ShutdownStep,
  type ShutdownWiring,
} from './shutdown.ts';

/**
 * The logging variables every service reads, in one place so their names and defaults agree:
 * `LOG_LEVEL` (info), `LOG_DIR` (logs), `LOG_CONSOLE` (true), `LOG_FORMAT` (json | pretty).
 */
import { type EnvSource, readBool, readEnum, readString } from './config.ts';
import { createLogger, LOG_LEVELS, type Logger, type LogLevel } from './logger.ts';

export interface LoggingConfig {
  level: LogLevel;
  dir: string;
  console: boolean;
  consoleFormat: 'json' | 'pretty';
}

export function readLoggingConfig(env: EnvSource): LoggingConfig {
  return {
    level: readEnum(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    dir: readString(env, 'LOG_DIR', 'logs'),
    console: readBool(env, 'LOG_CONSOLE', true),
    consoleFormat: readEnum(env, 'LOG_FORMAT', 'json', ['json', 'pretty'] as const),
  };
}

/** A service's logger as its logging variables say. */
export function createLoggerFrom(service: string, config: LoggingConfig): Logger {
  return createLogger({
    service,
    level: config.level,
    logDir: config.dir,
    console: config.console,
    consoleFormat: config.consoleFormat,
  });
}

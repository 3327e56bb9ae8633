import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';
import { readLoggingConfig } from './logging-config.ts';

describe('readLoggingConfig', () => {
  it('has sensible defaults', () => {
    assert.deepEqual(loadConfig(readLoggingConfig, {}), {
      level: 'info',
      dir: 'logs',
      console: true,
      consoleFormat: 'json',
    });
  });

  it('reads every variable and rejects unknown levels and formats', () => {
    assert.deepEqual(
      loadConfig(readLoggingConfig, {
        LOG_LEVEL: 'DEBUG',
        LOG_DIR: '/var/log/app',
        LOG_CONSOLE: 'false',
        LOG_FORMAT: 'pretty',
      }),
      { level: 'debug', dir: '/var/log/app', console: false, consoleFormat: 'pretty' },
    );
    assert.throws(
      () => loadConfig(readLoggingConfig, { LOG_LEVEL: 'loud', LOG_FORMAT: 'xml' }),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 2,
    );
  });
});

/**
 * Reads JSON log lines on stdin and prints them readable:
 * `HH:MM:SS.mmm LEVEL [service] msg key=value ...`; other lines pass through unchanged.
 *
 *   tail -F logs/order-service/application.log | node scripts/pretty-log.ts
 *
 * Imports the formatter module directly (not the package index) so start-up stays instant.
 * Colours when stdout is a terminal, unless NO_COLOR is set.
 */
import { createInterface } from 'node:readline';
import { formatLogLine } from '../packages/platform/src/log-format.ts';

const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

// `| head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
for await (const line of lines) {
  process.stdout.write(`${formatLogLine(line, { color })}\n`);
}

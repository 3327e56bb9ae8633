/**
 * notification-service's own metrics: records by result, failed attempts (retries), dead letters,
 * commit failures and handling time.
 */
import { Counter, Histogram, type Registry } from '@commerce/platform';

export function createNotificationMetrics(registry: Registry) {
  const records = new Counter({
    name: 'notification_records_total',
    help: 'Record handling results by topic: SENT, DUPLICATE, DEAD_LETTERED, LOGGED (dead letters read), FAILED (per failed attempt)',
    labelNames: ['topic', 'result'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'notification_retries_total',
    help: 'Retries scheduled after a failed attempt, by topic',
    labelNames: ['topic'],
    registers: [registry],
  });
  const commits = new Counter({
    name: 'notification_commit_failures_total',
    help: 'Offset commits that failed (retried with the next commit)',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'notification_handling_seconds',
    help: 'Time from a record entering its handler to its outcome, retries included',
    labelNames: ['topic'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
    registers: [registry],
  });
  return {
    outcome(topic: string, result: string, elapsedMs: number) {
      records.inc({ topic, result });
      duration.observe({ topic }, elapsedMs / 1000);
    },
    /** Every failed attempt counts as a FAILED result; a retry follows unless it was the last. */
    failedAttempt(topic: string, willRetry: boolean) {
      records.inc({ topic, result: 'FAILED' });
      if (willRetry) retries.inc({ topic });
    },
    commitFailed() {
      commits.inc();
    },
  };
}

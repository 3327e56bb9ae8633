/**
 * One Prometheus registry per service, the counterpart of Micrometer's in the original.
 *
 * A registry of its own (not prom-client's global one) keeps tests independent and lets a process host
 * more than one service in tests. Every series carries `application="<service>"`, as Spring's
 * `management.metrics.tags.application` would. Services add their own counters to it.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** A registry with process/runtime metrics and the `application` label. */
export function createMetrics(serviceName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ application: serviceName });
  collectDefaultMetrics({ register: registry });
  return registry;
}

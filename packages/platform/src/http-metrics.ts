/**
 * `http_server_requests_seconds`, the Prometheus name of Spring's `http.server.requests` timer.
 *
 * The `route` label is the route pattern (`/api/orders/:orderId/status`), never the raw URL: one series
 * per endpoint, however many order ids pass through. Unmatched requests share the value `UNMATCHED`.
 */
import { Histogram, type Registry } from 'prom-client';

export const HTTP_REQUESTS_METRIC = 'http_server_requests_seconds';
export const UNMATCHED_ROUTE = 'UNMATCHED';

export type HttpRequestHistogram = Histogram<'method' | 'route' | 'status'>;

/** The histogram in `registry`, created on first use (several servers may share a registry in tests). */
export function httpRequestHistogram(registry: Registry): HttpRequestHistogram {
  const existing = registry.getSingleMetric(HTTP_REQUESTS_METRIC);
  if (existing) return existing as HttpRequestHistogram;
  return new Histogram({
    name: HTTP_REQUESTS_METRIC,
    help: 'Duration of HTTP server requests, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

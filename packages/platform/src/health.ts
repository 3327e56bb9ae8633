/**
 * Health checks in Spring Boot Actuator's shape: each indicator says UP or DOWN (with details), the
 * whole is UP only when every part is.
 *
 * A check that hangs (a broker that accepts the connection and never answers) must not hang the health
 * endpoint with it, or an orchestrator's probe times out instead of reading DOWN: every check is bounded,
 * and a timeout or an exception is reported as DOWN with the reason.
 */

export type HealthStatus = 'UP' | 'DOWN';

export interface HealthResult {
  status: HealthStatus;
  details?: Record<string, unknown>;
}

export interface HealthIndicator {
  /** Key under `components`, e.g. `kafka`, `redis`. */
  name: string;
  check(): Promise<HealthResult>;
}

export interface HealthReport {
  status: HealthStatus;
  components: Record<string, HealthResult>;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 3000;

function down(error: string): HealthResult {
  return { status: 'DOWN', details: { error } };
}

/** One indicator, never rejecting and never taking longer than `timeoutMs`. */
export async function runCheck(indicator: HealthIndicator, timeoutMs: number): Promise<HealthResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthResult>((resolve) => {
    timer = setTimeout(() => resolve(down(`health check timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => indicator.check()), timeout]);
    if (result?.status !== 'UP' && result?.status !== 'DOWN') return down('health check returned no status');
    return result.details === undefined
      ? { status: result.status }
      : { status: result.status, details: result.details };
  } catch (error) {
    return down(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}

/** All indicators in parallel; UP when every component is UP (and when there are none). */
export async function checkHealth(
  indicators: readonly HealthIndicator[],
  timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS,
): Promise<HealthReport> {
  const results = await Promise.all(indicators.map((indicator) => runCheck(indicator, timeoutMs)));
  const components: Record<string, HealthResult> = {};
  indicators.forEach((indicator, i) => {
    components[indicator.name] = results[i] ?? down('no result');
  });
  const status = results.every((r) => r.status === 'UP') ? 'UP' : 'DOWN';
  return { status, components };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHealth, type HealthIndicator, runCheck } from './health.ts';

describe('health checks', () => {
  it('treat a result without a valid status as DOWN', async () => {
    const odd = { name: 'odd', check: async () => ({ status: 'MAYBE' }) } as unknown as HealthIndicator;
    assert.deepEqual(await runCheck(odd, 100), {
      status: 'DOWN',
      details: { error: 'health check returned no status' },
    });
  });

  it('turn a synchronous throw into DOWN', async () => {
    const sync: HealthIndicator = {
      name: 'sync',
      check: () => {
        throw new Error('boom');
      },
    };
    assert.deepEqual(await runCheck(sync, 100), { status: 'DOWN', details: { error: 'boom' } });
  });

  it('are UP with no indicators at all', async () => {
    assert.deepEqual(await checkHealth([]), { status: 'UP', components: {} });
  });

  it('run in parallel, so the total is bounded by one timeout', async () => {
    const slow = (name: string): HealthIndicator => ({ name, check: () => new Promise(() => {}) });
    const started = Date.now();
    const report = await checkHealth([slow('a'), slow('b'), slow('c')], 60);
    assert.equal(report.status, 'DOWN');
    assert.ok(Date.now() - started < 170, 'checks ran one after another');
  });
});

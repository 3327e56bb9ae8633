import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, createMetrics } from './metrics.ts';

describe('createMetrics', () => {
  it('has process metrics and labels every series with the application', async () => {
    const registry = createMetrics('product-service');
    const counter = new Counter({ name: 'events_published_total', help: 'h', registers: [registry] });
    counter.inc();
    const text = await registry.metrics();
    assert.match(text, /process_cpu_user_seconds_total\{application="product-service"\}/);
    assert.match(text, /events_published_total\{application="product-service"\} 1/);
  });

  it('keeps registries separate', async () => {
    const a = createMetrics('a');
    const b = createMetrics('b');
    new Counter({ name: 'only_in_a_total', help: 'h', registers: [a] }).inc();
    assert.match(await a.metrics(), /only_in_a_total/);
    assert.doesNotMatch(await b.metrics(), /only_in_a_total/);
  });
});

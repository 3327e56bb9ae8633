import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { relativeBundlePath } from './build/services.ts';
import { SERVICE_NODE_FLAGS } from './service-node-flags.ts';

const root = join(import.meta.dirname, '..');
const flags = SERVICE_NODE_FLAGS.join(' ');

test('every start:* npm script builds its service and runs the bundle with the service Node flags', () => {
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;
  const starts = Object.entries(scripts).filter(([name]) => name.startsWith('start:'));
  assert.equal(starts.length, 3);
  for (const [name, command] of starts) {
    const service = `${name.slice('start:'.length)}-service`;
    assert.equal(
      command,
      `node tools/build/services.ts ${service} && node ${flags} ${relativeBundlePath(service)}`,
      `${name} builds its service, then runs the bundle`,
    );
  }
});

test('the Dockerfile starts the service with the same flags', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const cmd = dockerfile.split('\n').find((line) => line.startsWith('CMD '));
  assert.ok(cmd?.includes(`exec node ${flags} dist/\${SERVICE}.mjs`), cmd);
});

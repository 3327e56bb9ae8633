import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SERVICE_NODE_FLAGS } from './service-node-flags.ts';

const root = join(import.meta.dirname, '..');
const flags = SERVICE_NODE_FLAGS.join(' ');

test('every start:* npm script starts its service with the service Node flags', () => {
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;
  const starts = Object.entries(scripts).filter(([name]) => name.startsWith('start:'));
  assert.equal(starts.length, 3);
  for (const [name, command] of starts) {
    assert.match(command, /^node .+ services\/[a-z-]+\/src\/main\.ts$/, name);
    assert.ok(command.startsWith(`node ${flags} services/`), `${name}: ${command}`);
  }
});

test('the Dockerfile starts the service with the same flags', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const cmd = dockerfile.split('\n').find((line) => line.startsWith('CMD '));
  assert.ok(cmd?.includes(`exec node ${flags} services/\${SERVICE}/src/main.ts`), cmd);
});

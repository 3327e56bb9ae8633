/**
 * `node bench/profile-summary.ts <file.cpuprofile> [top]`: the functions with the most self time, and
 * self time grouped by package / source file, from a V8 CPU profile (`node --cpu-prof`, or
 * `npm run bench -- --profile`, which profiles every service process it starts).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const totalUs = profile.endTime - profile.startTime;

function where(url: string): string {
  if (url === '') return '(native / V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  const local = /\/(packages|services|bench|tools)\/(.+)$/.exec(url);
  if (local) return `${local[1]}/${local[2]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

const functions = new Map<string, number>();
const places = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'}  ${where(url)}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
  const place = where(url).replace(/^(packages|services)\/([^/]+)\/.*$/, '$1/$2');
  places.set(place, (places.get(place) ?? 0) + us);
}
const idle = [...selfUs].reduce((sum, [id, us]) => {
  const name = byId.get(id)?.callFrame.functionName;
  return name === '(idle)' ? sum + us : sum;
}, 0);
const busy = totalUs - idle;
const line = (us: number, label: string) =>
  `${(us / 1000).toFixed(0).padStart(8)} ms ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${label}\n`;

process.stdout.write(
  `${file}\nprofiled ${(totalUs / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (percentages are of busy time)\n\nself time by function:\n`,
);
for (const [key, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  if (key.startsWith('(idle)')) continue;
  process.stdout.write(line(us, key));
}
process.stdout.write('\nself time by package / file:\n');
for (const [key, us] of [...places].sort((a, b) => b[1] - a[1]).slice(0, top))
  process.stdout.write(line(us, key));

// Who calls the heaviest native functions: self time of each attributed to its nearest JavaScript caller.
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const callers = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (node === undefined || node.callFrame.url !== '' || node.callFrame.functionName.startsWith('('))
    continue;
  const chain: string[] = [];
  let parent = parentOf.get(id);
  while (parent !== undefined && chain.length < 3) {
    const frame = byId.get(parent)?.callFrame;
    if (frame && frame.url !== '' && (chain.length === 0 || !frame.url.startsWith('node:')))
      chain.push(`${frame.functionName || '(anonymous)'} ${where(frame.url)}:${frame.lineNumber + 1}`);
    parent = parentOf.get(parent);
  }
  const key = `${node.callFrame.functionName}  <-  ${chain.join('  <-  ')}`;
  callers.set(key, (callers.get(key) ?? 0) + us);
}
process.stdout.write('\nnative self time by JavaScript caller:\n');
for (const [key, us] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 15)))
  process.stdout.write(line(us, key));

// Total (inclusive) time per function: its self time plus everything it called (recursion counted once).
const inclusive = new Map<string, number>();
const keyOf = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'}  ${where(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const root = profile.nodes[0];
function walk(node: ProfileNode, open: Set<string>): number {
  let total = selfUs.get(node.id) ?? 0;
  const key = keyOf(node);
  const outermost = !open.has(key);
  if (outermost) open.add(key);
  for (const child of node.children ?? []) {
    const childNode = byId.get(child);
    if (childNode) total += walk(childNode, open);
  }
  if (outermost) {
    open.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + total);
  }
  return total;
}
if (root) walk(root, new Set());
process.stdout.write('\ntotal time by function (self + callees):\n');
for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top + 10)) {
  if (key.startsWith('(root)') || key.startsWith('(idle)') || key.startsWith('(program)')) continue;
  process.stdout.write(line(us, key));
}

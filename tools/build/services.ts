/**
 * Builds each service into one JavaScript file, `dist/<service>.mjs` (with its source map): the service's
 * own TypeScript, the workspace packages and its npm dependencies in a single ES module. That is what
 * `npm start`, the `start:*` scripts, the Docker image, the end-to-end tests and the benchmark run
 * (docs/decisions/0009-services-run-as-bundles.md). A build of all three takes about a second.
 *
 *   node tools/build/services.ts [service ...]    (npm run build)
 */
import { join, resolve } from 'node:path';

export const SERVICE_NAMES = ['order-service', 'notification-service', 'product-service'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** Where the bundle of `name` is written, in the repository at `root` (this one by default). */
export function bundlePath(name: ServiceName, root = REPO_ROOT): string {
  return join(root, 'dist', `${name}.mjs`);
}

/** The bundle's path relative to the repository root, as the npm scripts and the Dockerfile spell it. */
export function relativeBundlePath(name: string): string {
  return `dist/${name}.mjs`;
}

/**
 * Bundles the services (all by default) of the repository at `root`; resolves with the time it took.
 * Throws with esbuild's messages when the sources do not build.
 */
export async function buildServices(
  options: { names?: readonly ServiceName[]; root?: string } = {},
): Promise<{ ms: number }> {
  const started = performance.now();
  // Loaded here, not at the top: `npm start` imports this module before it knows node_modules exists.
  const { build, stop } = await import('esbuild');
  const root = options.root ?? REPO_ROOT;
  const names = options.names ?? SERVICE_NAMES;
  // esbuild's service process would otherwise live (and hold ~400 MB) as long as the caller does: the
  // stack runner, the benchmark, the test harness.
  try {
    await Promise.all(
      names.map((name) =>
        build({
          absWorkingDir: root,
          entryPoints: [join(root, 'services', name, 'src', 'main.ts')],
          outfile: bundlePath(name, root),
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node22',
          sourcemap: 'linked',
          logLevel: 'warning',
          // CommonJS dependencies call require() for Node's built-ins; an ES module has none of its own.
          banner: {
            js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
          },
          // The Kafka client reads its WebAssembly helper from a file beside its own module; the package's
          // `bundled` entry carries it inline, so the bundle needs no file next to it.
          alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
        }),
      ),
    );
  } finally {
    await stop();
  }
  return { ms: Math.round(performance.now() - started) };
}

if (import.meta.main) {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(SERVICE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown service ${unknown.join(', ')}; one of ${SERVICE_NAMES.join(', ')}\n`);
    process.exit(2);
  }
  const names = requested.length > 0 ? (requested as ServiceName[]) : SERVICE_NAMES;
  try {
    const { ms } = await buildServices({ names });
    process.stderr.write(`built ${names.map((name) => relativeBundlePath(name)).join(', ')} in ${ms} ms\n`);
  } catch (error) {
    process.stderr.write(`build failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

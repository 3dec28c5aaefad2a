// The one Java time-skipping test server a simulation run uses, and the workflow bundle its
// worker runs. The server comes from scripts/setup-tools.sh; without it the simulator cannot run
// and says which command builds it.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundlerOptions } from '../../codec/data-converter';
import { refundSearchAttributes } from '../../workflows/search-attributes';

/** The simulation cannot run on this machine (as opposed to a bad scenario). */
export class CannotRunError extends Error {
  override name = 'CannotRunError';
}

/** The repository root (from client/simulate under tsx, or dist/client/simulate when compiled). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(__dirname, '..', '..');
    dir = parent;
  }
  return dir;
}

export const SETUP_COMMAND = 'bash scripts/setup-tools.sh test-server';

/** The launcher and the jars it runs; REFUNDFLOW_TOOLS_DIR points at another tools folder. */
export function testServerPaths(env: NodeJS.ProcessEnv = process.env): { launcher: string; lib: string } {
  const root = projectRoot();
  const tools = env.REFUNDFLOW_TOOLS_DIR ?? path.join(root, '.tools');
  return {
    launcher: path.join(root, 'scripts', 'temporal-test-server'),
    lib: path.join(tools, 'test-server', 'lib'),
  };
}

export function assertTestServerBuilt(env: NodeJS.ProcessEnv = process.env): void {
  const { launcher, lib } = testServerPaths(env);
  const jars = existsSync(lib) ? readdirSync(lib).filter((f) => f.endsWith('.jar')) : [];
  if (!existsSync(launcher) || jars.length === 0)
    throw new CannotRunError(
      `the Java time-skipping test server is not built (no jars in ${lib}); build it with: ${SETUP_COMMAND}`,
    );
}

const V = temporal.api.enums.v1.IndexedValueType;
const indexedValueType: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: V.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: V.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: V.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: V.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: V.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: V.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: V.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * The SDK gives the JVM about 5 s to open its port; a busy 2-core machine sometimes needs more,
 * so a start that timed out is tried again (each try on a fresh port; the SDK kills the last JVM).
 */
async function createTimeSkipping(launcher: string, attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: launcher } },
      });
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test(String(err))) throw err;
    }
  }
}

/** Starts the test server with the case's search attributes registered (it has no flag for them). */
export async function startTestServer(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestWorkflowEnvironment> {
  assertTestServerBuilt(env);
  const testEnv = await createTimeSkipping(testServerPaths(env).launcher);
  await testEnv.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      refundSearchAttributes.map((k) => [k.name, indexedValueType[k.type]]),
    ),
  });
  return testEnv;
}

const quietBundler = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: unknown) =>
    process.stderr.write(`${message} ${meta ? JSON.stringify(meta) : ''}\n`),
};

/** Every source file the bundle is built from, and the SDK's version: the cache key. */
function bundleFingerprint(root: string): string {
  const hash = createHash('sha256');
  const add = (file: string): void => void hash.update(file).update(readFileSync(file));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (/\.(ts|js)$/.test(name)) add(file);
    }
  };
  walk(path.join(root, 'workflows'));
  walk(path.join(root, 'policies'));
  // The bundler's options are part of what the bundle holds (codec/workflow-build compiles the code).
  for (const file of [
    'activities/contract.ts',
    'codec/failure-converter.ts',
    'codec/data-converter.ts',
    'codec/workflow-build.ts',
    'client/simulate/workflows.ts',
  ])
    add(path.join(root, file));
  hash.update(readFileSync(require.resolve('@temporalio/workflow/package.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The simulator's workflow bundle, with the project's failure converter as `npm run build`
 * bundles it. Bundling takes seconds, so the code is cached in the system's temporary folder
 * under a digest of its sources; a changed source makes a new bundle.
 */
export async function simulatorBundle(): Promise<{ code: string; cached: boolean }> {
  const root = projectRoot();
  const cacheDir = path.join(tmpdir(), 'refundflow-simulate-bundles');
  const file = path.join(cacheDir, `${bundleFingerprint(root)}.js`);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8'), cached: true };
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: quietBundler,
    ...workflowBundlerOptions,
  });
  mkdirSync(cacheDir, { recursive: true });
  // Written whole, then renamed: a concurrent run never reads half a bundle.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  return { code, cached: false };
}

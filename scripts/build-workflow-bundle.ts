// Bundles the workflow code once at build time (`npm run build`), so a production worker starts
// from dist/workflow-bundle.js instead of running webpack at every start: faster starts, and the
// code that runs is exactly the code that was built and tested. The bundle carries the failure
// converter (codec/failure-converter.ts), which a prebuilt bundle cannot take from the worker.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import { bundleEncodesFailures, workflowBundlerOptions } from '../codec/data-converter';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOW_BUNDLE_PATH = path.join(ROOT, 'dist', 'workflow-bundle.js');

/**
 * The bundler options of the production bundle. The SDK's default source map embeds every module's
 * source (about 60 % of the bundle); `inline-nosources-source-map` keeps the mappings, so stack
 * traces still name the original file and line, without the sources.
 */
export const productionBundleOptions = {
  ...workflowBundlerOptions,
  webpackConfigHook: (config) => ({
    ...workflowBundlerOptions.webpackConfigHook(config),
    devtool: 'inline-nosources-source-map',
  }),
} satisfies Partial<BundleOptions>;

/** The production bundle's code, checked to carry the failure converter. */
export async function buildWorkflowBundle(
  workflowsPath = path.join(ROOT, 'workflows', 'index.ts'),
): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, ...productionBundleOptions });
  if (!bundleEncodesFailures(code))
    throw new Error('the workflow bundle lacks the failure converter (codec/failure-converter.ts)');
  return code;
}

async function main(): Promise<void> {
  const code = await buildWorkflowBundle();
  await mkdir(path.dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
  await writeFile(WORKFLOW_BUNDLE_PATH, code);
  console.log(
    `workflow bundle: ${path.relative(ROOT, WORKFLOW_BUNDLE_PATH)} (${Math.round(code.length / 1024)} KiB)`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

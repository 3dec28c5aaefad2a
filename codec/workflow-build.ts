// How workflow code is compiled into a bundle. Every bundle — `npm run build`'s, the tests', a
// worker's that bundles at start, the replay script's — compiles the same way
// (workflowBundlerOptions), so the code that runs is the code that was tested and replayed.
import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];
type Rule = { use?: unknown };
type SwcUse = { loader: string; options?: { jsc?: Record<string, unknown> } & Record<string, unknown> };

/** workflows/sdk: the SDK's workflow API without the package's index (it says why). */
const WORKFLOW_SDK = require.resolve('../workflows/sdk');
const WORKFLOWS = path.dirname(WORKFLOW_SDK);
const inWorkflows = (file: string): boolean => file.startsWith(WORKFLOWS + path.sep) && file !== WORKFLOW_SDK;

const isSwcUse = (use: unknown): use is SwcUse =>
  typeof use === 'object' &&
  use !== null &&
  String((use as { loader?: unknown }).loader).includes('swc-loader');

/**
 * Our TypeScript without its comments and whitespace, compiled for ES2022 (the tsconfig's target;
 * the SDK's es2017 spells every `??` and `?.` out as helper code) — about half of our modules'
 * bytes. Nothing is renamed or rewritten (no compression, no mangling), and the bundle's source
 * map keeps every statement's file, line and column: the SDK maps workflow stack traces through
 * it (test/build/workflow-bundle.test.ts checks the lines). Webpack hoists our ES modules into one
 * scope per graph instead of wrapping each in a function with an export table (the modules the
 * workflows share, `preloadModules`, stay modules of their own: the entry requires them), omits
 * exports nobody imports from those tables, and writes no path comments. Our workflows' imports
 * of '@temporalio/workflow' resolve to workflows/sdk, and an import of a name a module does not
 * export fails the build instead of reading `undefined`.
 */
export function compactWorkflowCode(config: WebpackConfig): WebpackConfig {
  const rules = (config.module?.rules ?? []) as Rule[];
  const swc = rules.map((rule) => rule.use).find(isSwcUse);
  // Fail the build rather than silently bundle the SDK's default compilation.
  if (!swc) throw new Error("the SDK's webpack config has no swc-loader rule for TypeScript to compact");
  const options = swc.options ?? {};
  const compacted: SwcUse = {
    ...swc,
    options: {
      ...options,
      minify: true,
      jsc: {
        ...options.jsc,
        target: 'es2022',
        minify: { compress: false, mangle: false, format: { comments: false } },
      },
    },
  };
  return {
    ...config,
    module: {
      ...config.module,
      rules: [
        ...rules.map((rule) =>
          rule.use === swc ? { ...rule, use: compacted, parser: { exportsPresence: 'error' } } : rule,
        ),
        { test: inWorkflows, resolve: { alias: { '@temporalio/workflow$': WORKFLOW_SDK } } },
      ] as never,
    },
    output: { ...config.output, pathinfo: false },
    optimization: { ...config.optimization, concatenateModules: true, usedExports: true },
  };
}

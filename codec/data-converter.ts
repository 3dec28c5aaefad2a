// The one data converter of the project. The client, the worker and the codec server must all
// build it from the same keyring, or one side writes payloads the other cannot read.
import type { DataConverter } from '@temporalio/common';
import type { BundleOptions } from '@temporalio/worker';
import type { EncryptionConfig } from '../config';
import { EncryptionCodec } from './codec';

/**
 * The module exporting `failureConverter` (codec/failure-converter): error messages and stack
 * traces become an encoded payload, so the codec seals them like any other payload. Resolved here
 * so it points at the .ts source under tsx and at the compiled .js under dist/.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * Modules every workflow shares instead of evaluating a copy of its own (the SDK's
 * `preloadModules`, with its default reuseV8Context). The SDK evaluates a bundle's user modules
 * again for each workflow, and zod — even zod/mini — costs every case ~0.75 MiB and ~6 ms of
 * worker CPU that way (docs/BENCHMARKS.md, issue 15). Preloaded modules are evaluated once, before
 * any workflow exists, and then deep-frozen: only libraries and pure functions belong here, never
 * an object a workflow changes — zod's schema objects define properties lazily, so the message
 * schemas themselves (workflows/messages.ts) stay per workflow; zod's modules behind them, its
 * English messages (workflows/zod-setup.ts), and the policies' pure functions (with luxon) are shared.
 * So are the case's rules and record (workflows/case/model.ts with case-record, time, escalation),
 * the effect queue's rules and the search attribute keys: no Temporal call, nothing kept at module
 * level, only classes, functions and constants (issue 15).
 */
export const SHARED_WORKFLOW_MODULES: readonly string[] = [
  require.resolve('../workflows/zod-setup'),
  require.resolve('../policies/evaluate'),
  require.resolve('../policies/clocks'),
  require.resolve('../workflows/case/model'),
  require.resolve('../workflows/case/effect-queue'),
  require.resolve('../workflows/search-attributes'),
];

/**
 * What `bundleWorkflowCode` must be given so that workflow code (a failed workflow, a failed
 * update) encodes failures as the worker does and shares the modules above: `npm run build`'s
 * prebuilt bundle and the tests' bundles spread it in. A worker given `workflowsPath` bundles
 * with it by itself.
 */
export const workflowBundlerOptions: {
  failureConverterPath: string;
  preloadModules: string[];
  webpackConfigHook: NonNullable<BundleOptions['webpackConfigHook']>;
} = {
  failureConverterPath: FAILURE_CONVERTER_PATH,
  preloadModules: [...SHARED_WORKFLOW_MODULES],
  webpackConfigHook: (config) => modernSyntax(config),
};

/** The language level the workflow's own TypeScript is compiled to (tsconfig.json's target). */
const WORKFLOW_SYNTAX_TARGET = 'es2022';

/**
 * The SDK's bundler compiles workflow TypeScript to ES2017, so every object spread and class field
 * becomes a helper call; the workflow thread runs on the worker's own Node, which has them natively.
 * With the shared case modules above: ~0.9 ms less worker CPU per first task of a refund case,
 * most of it in V8's garbage collection and compiler threads (issue 15).
 */
function modernSyntax<C extends Parameters<typeof workflowBundlerOptions.webpackConfigHook>[0]>(
  config: C,
): C {
  type SwcRule = { use?: { loader?: string; options?: { jsc?: Record<string, unknown> } } };
  const rules = (config.module?.rules ?? []).map((rule) => {
    const use = (rule as SwcRule).use;
    if (!use?.loader?.includes('swc-loader') || !use.options?.jsc) return rule;
    return {
      ...(rule as object),
      use: {
        ...use,
        options: { ...use.options, jsc: { ...use.options.jsc, target: WORKFLOW_SYNTAX_TARGET } },
      },
    };
  });
  return { ...config, module: { ...config.module, rules } };
}

/**
 * True when a workflow bundle's code was built with `workflowBundlerOptions`. A bundle built
 * without them silently falls back to the SDK's default converter, which writes error messages and
 * stack traces to history in plain text; a worker checks its prebuilt bundle with this.
 */
export function bundleEncodesFailures(code: string): boolean {
  // The SDK's bundler aliases this module name to failureConverterPath, or to an empty module.
  return /__temporal_custom_failure_converter \*\/ "[^"?]*failure-converter\.[jt]s"/.test(code);
}

/**
 * For `new Client({ dataConverter })` and `Worker.create({ dataConverter })` alike. A worker that
 * bundles its workflows at start passes `failureConverterPath` to the bundler itself; a prebuilt
 * bundle must be built with it (scripts/build-workflow-bundle.ts does).
 */
export function buildDataConverter(encryption: EncryptionConfig): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(encryption)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

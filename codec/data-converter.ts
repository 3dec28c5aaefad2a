// The one data converter of the project. The client, the worker and the codec server must all
// build it from the same keyring, or one side writes payloads the other cannot read.
import type { DataConverter } from '@temporalio/common';
import type { EncryptionConfig } from '../config';
import { EncryptionCodec } from './codec';
import { compactWorkflowCode } from './workflow-build';

/**
 * The module exporting `failureConverter` (codec/failure-converter): error messages and stack
 * traces become an encoded payload, so the codec seals them like any other payload. Resolved here
 * so it points at the .ts source under tsx and at the compiled .js under dist/.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * Modules every workflow shares instead of evaluating a copy of its own (the SDK's
 * `preloadModules`, with its default reuseV8Context). The SDK evaluates a bundle's user modules
 * again for each workflow (docs/BENCHMARKS.md, issue 15). Preloaded modules are evaluated once,
 * before any workflow exists, and then deep-frozen: only libraries and pure functions belong here,
 * never an object a workflow changes. zod is not among them: it is not in the workflow's module
 * graph at all (the workflow checks its messages with workflows/message-check.ts, from
 * descriptions generated from the schemas).
 * So are the case's rules and record (workflows/case/model.ts with case-record, time, escalation),
 * the effect queue's rules and the search attribute keys: no Temporal call, nothing kept at module
 * level, only classes, functions and constants (issue 15).
 */
export const SHARED_WORKFLOW_MODULES: readonly string[] = [
  require.resolve('../policies/evaluate'),
  require.resolve('../policies/clocks'),
  require.resolve('../workflows/case/model'),
  require.resolve('../workflows/case/effect-queue'),
  require.resolve('../workflows/search-attributes'),
];

/**
 * What `bundleWorkflowCode` must be given so that workflow code (a failed workflow, a failed
 * update) encodes failures as the worker does, shares the modules above and is compiled as
 * everywhere else (./workflow-build): `npm run build`'s prebuilt bundle and the tests' bundles
 * spread it in, a worker that bundles at start passes it as its bundlerOptions.
 */
export const workflowBundlerOptions: {
  failureConverterPath: string;
  preloadModules: string[];
  webpackConfigHook: typeof compactWorkflowCode;
} = {
  failureConverterPath: FAILURE_CONVERTER_PATH,
  preloadModules: [...SHARED_WORKFLOW_MODULES],
  webpackConfigHook: compactWorkflowCode,
};

/**
 * True when a workflow bundle's code was built with `workflowBundlerOptions`. A bundle built
 * without them silently falls back to the SDK's default converter, which writes error messages and
 * stack traces to history in plain text; a worker checks its prebuilt bundle with this.
 */
export function bundleEncodesFailures(code: string): boolean {
  // The SDK's bundler aliases `__temporal_custom_failure_converter` to failureConverterPath, or to
  // an empty module, and reads `.failureConverter` off it (a path comment precedes the module's
  // name in bundles built with webpack's pathinfo, as before workflowBundlerOptions compacted them).
  return /__webpack_require__\((?:\/\*! __temporal_custom_failure_converter \*\/ )?"[^"?]*failure-converter\.[jt]s"\)\.failureConverter\b/.test(
    code,
  );
}

/**
 * For `new Client({ dataConverter })` and `Worker.create({ dataConverter })` alike. A worker that
 * bundles its workflows at start passes `failureConverterPath` to the bundler itself; a prebuilt
 * bundle must be built with it (scripts/build-workflow-bundle.ts does).
 */
export function buildDataConverter(encryption: EncryptionConfig): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(encryption)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

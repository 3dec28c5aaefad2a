// The SDK's workflow API as our workflows use it, from the modules that define it. The package's
// index ('@temporalio/workflow') also loads metrics, Nexus, random streams and triggers, with its
// documentation: ~30 KB of every bundle, and modules every workflow evaluates again. The bundler
// resolves our workflows' imports of '@temporalio/workflow' to this module (codec/workflow-build);
// a name they import that is missing here fails the build. Types still come from the package.
export { ActivityFailure, ApplicationFailure } from '@temporalio/common';
export { CancellationScope } from '@temporalio/workflow/lib/cancellation-scope';
export { log } from '@temporalio/workflow/lib/logs';
export { proxySinks } from '@temporalio/workflow/lib/sinks';
export {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow/lib/workflow';

// Temporal Worker Versioning (Worker Deployments): each release of the worker polls as
// deploymentName.buildId. With AUTO_UPGRADE (the default) a case moves to the deployment's current
// version at its next workflow task, so a case waiting for weeks is carried forward by the newest
// release, which must replay it — `npm run replay` checks that before a deploy. A new version only
// receives work once it is current: the worker makes it so itself (REFUNDFLOW_SET_CURRENT_VERSION),
// or the pipeline does (`temporal worker deployment set-current-version`).
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { VersioningConfig } from '../config';

/** A build id that names the workflow code: the same bundle, the same id; any change, a new one. */
export function buildIdOf(workflowCode: string): string {
  return `wf-${createHash('sha256').update(workflowCode).digest('hex').slice(0, 16)}`;
}

/** The worker's deployment options; undefined when versioning is off. */
export function deploymentOptions(
  config: VersioningConfig,
  workflowCode: () => string,
): { version: WorkerDeploymentVersion; options: WorkerOptions['workerDeploymentOptions'] } | undefined {
  if (!config.enabled) return undefined;
  const version = {
    deploymentName: config.deploymentName,
    buildId: config.buildId ?? buildIdOf(workflowCode()),
  };
  return {
    version,
    options: { version, useWorkerVersioning: true, defaultVersioningBehavior: config.defaultBehavior },
  };
}

/** gRPC status codes the server answers while the version's first poll has not registered it yet. */
const NOT_YET = new Set([5 /* NOT_FOUND */, 9 /* FAILED_PRECONDITION */, 10 /* ABORTED: conflict token */]);

/**
 * Makes `version` its deployment's current version once the server knows it (it learns of a version
 * from the worker's first poll, so this retries until then). Idempotent: several replicas of one
 * release may all call it.
 */
export async function setCurrentVersion(
  connection: NativeConnection,
  namespace: string,
  version: WorkerDeploymentVersion,
  options: { timeoutMs?: number; signal?: AbortSignal; identity?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try {
      const current = await currentVersion(connection, namespace, version.deploymentName);
      if (current?.buildId === version.buildId) return;
      await connection.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: options.identity ?? 'refundflow-worker',
      });
      return;
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (!NOT_YET.has(code ?? -1) || Date.now() > deadline) throw err;
    }
    await sleep(250, undefined, options.signal ? { signal: options.signal } : undefined);
  }
}

/** The deployment's current version, or undefined (no deployment yet, or none current). */
export async function currentVersion(
  connection: NativeConnection,
  namespace: string,
  deploymentName: string,
): Promise<WorkerDeploymentVersion | undefined> {
  try {
    const { workerDeploymentInfo } = await connection.workflowService.describeWorkerDeployment({
      namespace,
      deploymentName,
    });
    const routing = workerDeploymentInfo?.routingConfig;
    const buildId =
      routing?.currentDeploymentVersion?.buildId ||
      // Older servers fill only the string form, "deploymentName.buildId".
      (routing?.currentVersion?.startsWith(`${deploymentName}.`)
        ? routing.currentVersion.slice(deploymentName.length + 1)
        : undefined);
    return buildId ? { deploymentName, buildId } : undefined;
  } catch (err) {
    if ((err as { code?: number }).code === 5) return undefined;
    throw err;
  }
}

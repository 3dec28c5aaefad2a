// Workflow-task options for the machine the worker runs on (measured: docs/BENCHMARKS.md).
// - Pollers: the SDK's fixed default is 10 workflow-task pollers split 1:4 between the normal
//   queue and the sticky queue, so only 2 poll the normal queue, where every case's first task
//   arrives; with the server's latency that bounds a bulk import's first tasks. Autoscaling
//   pollers follow the backlog the server reports. (On the local dev server, one worker: neutral.)
// - Slots: one workflow thread runs every workflow (reuseV8Context), but it needs many tasks in
//   flight to stay busy while the others are in round trips: with one worker against a backlog,
//   4 slots ran 0.5–0.7× and 16 slots ~0.84× the first tasks a second of 40 (the SDK's default).
//   So 40 per thread; scale out with replicas, not slots.
// - Cache: the SDK sizes it from the V8 heap limit alone at ~1.7 MiB a workflow; a container's
//   memory limit can be far below the heap limit. A cached refund case cost ~2 MiB while every
//   workflow evaluated zod again (issue 15); with the lean bundle and zod's modules shared it costs
//   ~0.5 MiB after its first task (docs/BENCHMARKS.md), so the cache is sized at 0.5 MiB a case.
import os from 'node:os';
import v8 from 'node:v8';
import type { WorkerOptions } from '@temporalio/worker';

/** Worker memory per cached refund case (RSS growth, `npm run bench` workerMemory.perCachedKiB.refund). */
export const CACHED_CASE_BYTES = 2 ** 19;
/** Share of the worker's memory the workflow cache may take; the rest is Node, the SDK's core, activities. */
const CACHE_SHARE_OF_MEMORY = 0.5;
/** Share of the V8 heap limit the cache may take: cached workflows live on the workflow thread's heap. */
const CACHE_SHARE_OF_HEAP = 0.75;
const MIN_CACHED = 10;
/** Workflow tasks in flight per workflow thread, chosen from measurement (see above). */
export const WORKFLOW_TASKS_PER_THREAD = 40;
/** Autoscaling pollers start here (the SDK's own initial) and grow with the backlog, up to the slots. */
export const INITIAL_WORKFLOW_TASK_POLLERS = 5;
/** With reuseV8Context (the SDK's default) the worker runs all workflows on one thread. */
const WORKFLOW_THREADS = 1;

export interface Machine {
  /** Memory this process may use: the container's limit, else the host's memory. */
  memoryBytes: number;
  /** The V8 heap limit of this process (worker threads get the same by default). */
  heapLimitBytes: number;
}

export function thisMachine(): Machine {
  // constrainedMemory() is the cgroup limit, or a huge number when there is none.
  const limit = process.constrainedMemory?.() || Infinity;
  return {
    memoryBytes: Math.min(os.totalmem(), limit),
    heapLimitBytes: v8.getHeapStatistics().heap_size_limit,
  };
}

/** How many workflows this machine can keep cached: the smaller of its memory's and its heap's share. */
export function defaultMaxCachedWorkflows(machine: Machine): number {
  const byMemory = (machine.memoryBytes * CACHE_SHARE_OF_MEMORY) / CACHED_CASE_BYTES;
  const byHeap = (machine.heapLimitBytes * CACHE_SHARE_OF_HEAP) / CACHED_CASE_BYTES;
  return Math.max(MIN_CACHED, Math.floor(Math.min(byMemory, byHeap)));
}

/** The workflow-task options for a worker; `maxCachedWorkflows` (REFUNDFLOW_MAX_CACHED_WORKFLOWS) wins when set. */
export function workflowTaskOptions(
  machine: Machine,
  maxCachedWorkflows?: number,
): Pick<
  WorkerOptions,
  'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'workflowTaskPollerBehavior'
> {
  const slots = WORKFLOW_THREADS * WORKFLOW_TASKS_PER_THREAD;
  return {
    maxCachedWorkflows: maxCachedWorkflows ?? defaultMaxCachedWorkflows(machine),
    maxConcurrentWorkflowTaskExecutions: slots,
    // The server tells autoscaling pollers when a queue has a backlog, so pollers move to the
    // normal queue when first tasks wait, instead of a fixed fifth of them. A poll needs a free
    // slot, so more pollers than slots would only wait.
    workflowTaskPollerBehavior: {
      type: 'autoscaling',
      minimum: 2,
      initial: INITIAL_WORKFLOW_TASK_POLLERS,
      maximum: slots,
    },
  };
}

// Workflow-task options for the machine the worker runs on. The SDK's defaults suit a generic
// worker; measured on ours (docs/BENCHMARKS.md, `npm run bench`), they leave first tasks waiting:
// - 10 workflow-task pollers split 1:4 between the normal queue and the sticky queue, so only 2
//   poll the normal queue, where every case's first task arrives (a bulk import waits on them);
// - 40 concurrent workflow tasks on one workflow thread (reuseV8Context runs every workflow on a
//   single thread): tasks beyond the few the thread can run queue inside this worker, where
//   another replica cannot take them;
// - a cache sized from the V8 heap limit alone, at ~1.7 MiB a workflow: a refund case costs more.
import os from 'node:os';
import v8 from 'node:v8';
import type { WorkerOptions } from '@temporalio/worker';

/** Worker memory per cached refund case (RSS growth, `npm run bench` workerMemory.perCachedKiB.refund). */
export const CACHED_CASE_BYTES = 2 * 2 ** 20;
/** Share of the worker's memory the workflow cache may take; the rest is Node, the SDK's core, activities. */
const CACHE_SHARE_OF_MEMORY = 0.5;
/** Share of the V8 heap limit the cache may take: cached workflows live on the workflow thread's heap. */
const CACHE_SHARE_OF_HEAP = 0.75;
const MIN_CACHED = 10;
/**
 * Workflow tasks in flight per workflow thread: one running, the others' completions and next
 * polls in flight on the network meanwhile. More only queue inside the worker.
 */
export const WORKFLOW_TASKS_PER_THREAD = 4;
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
    workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: slots, maximum: slots },
  };
}

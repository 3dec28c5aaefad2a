// End-to-end throughput, refund cases against the baseline, batches on one server: each case is
// start → requestRefund (the case decides full_refund mechanically, emails, withdraws access,
// creates the gateway refund) → the settler signals the payment → paid. A paid case's run stays
// open for its settle period (late gateway events), so "paid" is read from its RefundStatus, and
// the baseline's end from its execution status, both in visibility (no worker involved).
//
// How the figure is kept honest on a small, noisy machine:
// - One raw list call per batch and tick answers every waiting case. Polling each case with
//   describe (as this did before) cost the harness ~15 ms of the process's main thread per refund
//   case and ~3 ms per baseline case: the refund's update answers after the decision and the
//   baseline's after its five activities, so refund cases were polled five times as long, and each
//   describe decoded the memo through the codec. That CPU was taken from the worker being measured.
// - A warm-up batch of each kind first (JIT, caches, the server's tables), not measured.
// - Rounds alternate the order (baseline first, then refund first, ...): neither kind always runs
//   on the other's leftovers.
// - Each batch starts on quiet workers: what a batch leaves running after its last case is
//   counted (work after "paid": the last emails, the ledger's write) finishes before the next
//   batch starts, so it is not charged to whichever batch comes next.
// - CPU per case, of this process (workers, client, settler) and of the server, is read from
//   /proc per batch: it says where a difference in cases per second comes from.
import { readFileSync, readdirSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { workflowIdForOrder } from '../../workflows/case-state';
import type { BaselineInput } from './baseline-workflows';
import type { BenchStack } from './bench-stack';
import { POLICY, cleanOrder, inPool, log, mean, ms, num, round, seedBilling } from './support';

const IN_FLIGHT = 50;
const POLL_MS = 100;
const ROUNDS = num('BENCH_THROUGHPUT_ROUNDS', 3);

type Kind = 'refund' | 'baseline';

/**
 * Waits for the workflows whose ids start with `prefix` to match `doneQuery` (visibility): one raw
 * list call per tick for the whole batch (nothing decoded), whatever the number of waiting cases.
 */
function batchWatcher(client: Client, prefix: string, doneQuery: string) {
  const waiting = new Map<string, () => void>();
  const query = `WorkflowId STARTS_WITH '${prefix}' AND ${doneQuery}`;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      if (waiting.size > 0) {
        let nextPageToken: Uint8Array | undefined;
        do {
          const page = await client.workflowService.listWorkflowExecutions({
            namespace: client.options.namespace,
            query,
            pageSize: 1000,
            nextPageToken,
          });
          for (const e of page.executions ?? []) {
            const id = e.execution?.workflowId ?? '';
            waiting.get(id)?.();
            waiting.delete(id);
          }
          nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
        } while (nextPageToken);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  return {
    done: (workflowId: string) => new Promise<void>((resolve) => waiting.set(workflowId, resolve)),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** CPU milliseconds (user + system) a process has used; undefined where /proc is not there. */
function cpuMs(pid: number | 'self'): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, 100 per second on Linux
  } catch {
    return undefined;
  }
}

/** The dev server: this process's child running the Temporal CLI. */
function serverPid(): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
        if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('temporal'))
          return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

export async function measureThroughput(
  stack: BenchStack,
  casesPerBatch: number,
): Promise<Record<string, unknown>> {
  const { cases, client, baselineQueue, dataDir } = stack;
  const server = serverPid();
  let batchNo = 0;
  const batch = async (kind: Kind, size: number) => {
    const label = `${kind === 'baseline' ? 'base' : 'case'}-b${batchNo++}`;
    const orders = Array.from({ length: size }, () => cleanOrder(label));
    seedBilling(dataDir, orders);
    const watcher =
      kind === 'refund'
        ? batchWatcher(client, workflowIdForOrder(`${label}-${process.pid}-`), `RefundStatus = 'paid'`)
        : batchWatcher(client, `baseline-${label}-${process.pid}-`, `ExecutionStatus = 'Completed'`);
    await stack.quiet();
    const cpu0 = { self: cpuMs('self'), server: server && cpuMs(server) };
    const start = process.hrtime.bigint();
    await inPool(orders, IN_FLIGHT, async (o) => {
      if (kind === 'refund') {
        const paid = watcher.done(workflowIdForOrder(o.orderId));
        await cases.start(POLICY, o);
        await cases.requestRefund(o.orderId, { reason: 'changed_mind' });
        await paid;
      } else {
        const input: BaselineInput = {
          orderId: o.orderId,
          customerId: o.customerId,
          amountMinor: o.amountMinor,
          currency: o.currency,
        };
        const completed = watcher.done(`baseline-${o.orderId}`);
        const handle = await client.workflow.start('baselineCase', {
          taskQueue: baselineQueue,
          workflowId: `baseline-${o.orderId}`,
          args: [input],
        });
        await handle.executeUpdate('baselineRequest', { args: [{}] });
        await completed;
      }
    });
    const seconds = ms(start) / 1000;
    const cpu1 = { self: cpuMs('self'), server: server && cpuMs(server) };
    await watcher.stop();
    const perCase = (a?: number, b?: number) => (a === undefined || b === undefined ? NaN : (b - a) / size);
    return {
      perSecond: size / seconds,
      processCpuMs: perCase(cpu0.self, cpu1.self),
      serverCpuMs: perCase(cpu0.server, cpu1.server),
    };
  };

  await batch('baseline', Math.min(20, casesPerBatch));
  await batch('refund', Math.min(20, casesPerBatch));
  const runs: Record<Kind, Awaited<ReturnType<typeof batch>>[]> = { refund: [], baseline: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order: Kind[] = r % 2 === 0 ? ['baseline', 'refund'] : ['refund', 'baseline'];
    for (const kind of order) runs[kind].push(await batch(kind, casesPerBatch));
    log(
      `throughput round ${r}: refund ${runs.refund.map((x) => round(x.perSecond))}, baseline ${runs.baseline.map((x) => round(x.perSecond))}`,
    );
  }
  const rates = (kind: Kind) => runs[kind].map((x) => x.perSecond);
  const cpu = (kind: Kind) => ({
    process: round(mean(runs[kind].map((x) => x.processCpuMs)), 1),
    server: round(mean(runs[kind].map((x) => x.serverCpuMs)), 1),
  });
  return {
    casesPerBatch,
    rounds: ROUNDS,
    concurrency: IN_FLIGHT,
    refundCasesPerSecond: rates('refund').map((x) => round(x)),
    baselineCasesPerSecond: rates('baseline').map((x) => round(x)),
    // Per round (same round, neighbouring batches), to show the spread the mean hides.
    roundRatios: rates('refund').map((x, i) => round(x / rates('baseline')[i]!)),
    ratio: round(mean(rates('refund')) / mean(rates('baseline'))),
    cpuMsPerCase: { refund: cpu('refund'), baseline: cpu('baseline') },
  };
}

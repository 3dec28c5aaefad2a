// End-to-end throughput, refund cases against the baseline, batches alternating on one server:
// each case is start → requestRefund (the case decides full_refund mechanically, emails, withdraws
// access, creates the gateway refund) → the settler signals the payment → paid. A paid case's run
// stays open for its settle period (late gateway events), so "paid" is read from the execution's
// RefundStatus (describe, no worker involved) and the baseline's end the same way, both polled
// at the same interval.
import type { WorkflowHandle } from '@temporalio/client';
import { statusKey } from '../../workflows/search-attributes';
import type { BaselineInput } from './baseline-workflows';
import type { BenchStack } from './bench-stack';
import { POLICY, cleanOrder, inPool, log, mean, ms, round, seedBilling } from './support';

const IN_FLIGHT = 50;
const POLL_MS = 100;

async function until(
  handle: WorkflowHandle,
  done: (d: Awaited<ReturnType<WorkflowHandle['describe']>>) => boolean,
) {
  for (;;) {
    const description = await handle.describe();
    if (done(description)) return;
    if (description.status.name !== 'RUNNING')
      throw new Error(`${handle.workflowId} ended ${description.status.name}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export async function measureThroughput(
  stack: BenchStack,
  casesPerBatch: number,
): Promise<Record<string, unknown>> {
  const { cases, client, baselineQueue, dataDir } = stack;
  const batch = async (kind: 'refund' | 'baseline', round: number): Promise<number> => {
    const orders = Array.from({ length: casesPerBatch }, () =>
      cleanOrder(kind === 'baseline' ? `base-r${round}` : `case-r${round}`),
    );
    seedBilling(dataDir, orders);
    const start = process.hrtime.bigint();
    await inPool(orders, IN_FLIGHT, async (o) => {
      if (kind === 'refund') {
        await cases.start(POLICY, o);
        await cases.requestRefund(o.orderId, { reason: 'changed_mind' });
        await until(cases.handle(o.orderId), (d) => d.typedSearchAttributes.get(statusKey) === 'paid');
      } else {
        const input: BaselineInput = {
          orderId: o.orderId,
          customerId: o.customerId,
          amountMinor: o.amountMinor,
          currency: o.currency,
        };
        const handle = await client.workflow.start('baselineCase', {
          taskQueue: baselineQueue,
          workflowId: `baseline-${o.orderId}`,
          args: [input],
        });
        await handle.executeUpdate('baselineRequest', { args: [{}] });
        await until(handle, (d) => d.status.name === 'COMPLETED');
      }
    });
    return casesPerBatch / (ms(start) / 1000);
  };
  const refund: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < 2; r++) {
    baseline.push(await batch('baseline', r));
    refund.push(await batch('refund', r));
    log(
      `throughput round ${r}: refund ${refund.map((x) => round(x))}, baseline ${baseline.map((x) => round(x))}`,
    );
  }
  return {
    casesPerBatch,
    concurrency: IN_FLIGHT,
    refundCasesPerSecond: refund.map((x) => round(x)),
    baselineCasesPerSecond: baseline.map((x) => round(x)),
    ratio: round(mean(refund) / mean(baseline)),
  };
}

// History events and bytes per case, per path (protobuf-encoded; payloads and failures are
// encrypted by the codec, so bytes include that overhead). Reads a paid case and a paid baseline
// from the throughput section, which must have run before.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { workflowIdForOrder } from '../../workflows/case-state';
import type { BenchStack } from './bench-stack';
import { POLICY, cleanOrder, round, seedBilling } from './support';

export async function measureHistories(stack: BenchStack): Promise<Record<string, unknown>> {
  const { client, cases, dataDir } = stack;
  const historyOf = async (workflowId: string) => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    // BENCH_HISTORY_DUMP=<folder> keeps each measured history as JSON, to see where the bytes go.
    if (process.env.BENCH_HISTORY_DUMP)
      writeFileSync(path.join(process.env.BENCH_HISTORY_DUMP, `${workflowId}.json`), JSON.stringify(history));
    return {
      events: history.events?.length ?? 0,
      bytes: temporal.api.history.v1.History.encode(history).finish().length,
    };
  };
  const paidSample = (await cases.list({ status: 'paid', limit: 1 }))[0];
  if (!paidSample) throw new Error('the history section reads a paid case of the throughput section');
  const openOrder = cleanOrder('hist-open');
  await cases.start(POLICY, openOrder);
  await cases.read(openOrder.orderId);
  const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
  const deniedOrder = cleanOrder('hist-denied', { purchasedAt: tenDaysAgo, invoicedAt: tenDaysAgo });
  seedBilling(dataDir, [deniedOrder]);
  await cases.start(POLICY, deniedOrder);
  // A case whose window closed before it started may already be closed; the row reads its status.
  await cases.requestRefund(deniedOrder.orderId, { reason: 'changed_mind' }).catch(() => undefined);
  let baselineSample = { workflowId: '' };
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'baselineCase'`, pageSize: 1 })) {
    baselineSample = wf;
    break;
  }
  const paid = await historyOf(paidSample.workflowId);
  const baselinePaid = await historyOf(baselineSample.workflowId);
  return {
    paid,
    open: await historyOf(workflowIdForOrder(openOrder.orderId)),
    deniedWindowExpired: {
      ...(await historyOf(workflowIdForOrder(deniedOrder.orderId))),
      status: (await cases.read(deniedOrder.orderId)).status,
    },
    baselinePaid,
    paidToBaseline: {
      events: round(paid.events / baselinePaid.events),
      bytes: round(paid.bytes / baselinePaid.bytes),
    },
  };
}

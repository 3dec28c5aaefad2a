// Refund-request latency: the API's answer for a mechanical refund against a bare update round
// trip. Each sample on a fresh case whose first task has run; the bare update goes to a workflow
// whose handler answers at once, on the same server (the baseline's worker): the floor of any
// update round trip. Where the API's time goes: the update alone (typed client, no HTTP) and the
// case read the route answers with (a query after the update).
import { ADMIN_KEY, POLICY, cleanOrder, ms, p50p99, pct, round, seedBilling } from './support';
import type { BenchStack } from './bench-stack';

export async function measureRequestLatency(
  stack: BenchStack,
  samples: number,
): Promise<Record<string, unknown>> {
  const { api, cases, client, baselineQueue, dataDir } = stack;
  const requestLat: number[] = [];
  const bareLat: number[] = [];
  const updateLat: number[] = [];
  const readLat: number[] = [];
  const requestOrders = Array.from({ length: samples }, () => cleanOrder('req-lat'));
  const updateOrders = Array.from({ length: samples }, () => cleanOrder('upd-lat'));
  seedBilling(dataDir, [...requestOrders, ...updateOrders]);
  for (const [i, o] of requestOrders.entries()) {
    await cases.start(POLICY, o);
    await cases.read(o.orderId);
    let t = process.hrtime.bigint();
    const res = await fetch(`${api.url}/v1/cases/${encodeURIComponent(o.orderId)}/refund-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'changed_mind' }),
    });
    await res.text();
    if (res.status !== 200) throw new Error(`API refund request answered ${res.status}`);
    requestLat.push(ms(t));
    const u = updateOrders[i]!;
    await cases.start(POLICY, u);
    await cases.read(u.orderId);
    t = process.hrtime.bigint();
    await cases.requestRefund(u.orderId, { reason: 'changed_mind' });
    updateLat.push(ms(t));
    t = process.hrtime.bigint();
    await cases.read(u.orderId);
    readLat.push(ms(t));
    const bare = await client.workflow.start('bareCase', {
      taskQueue: baselineQueue,
      workflowId: `bare-${o.orderId}`,
    });
    await bare.query('__stack_trace').catch(() => undefined);
    t = process.hrtime.bigint();
    await bare.executeUpdate('bareUpdate', { args: [{}] });
    bareLat.push(ms(t));
    await bare.terminate('bench sample done');
  }
  return {
    samples: requestLat.length,
    apiMs: p50p99(requestLat),
    bareUpdateMs: p50p99(bareLat),
    requestUpdateOnlyMs: p50p99(updateLat),
    caseReadAfterMs: p50p99(readLat),
    updateOnlyRatioP50: round(pct(updateLat, 50) / pct(bareLat, 50)),
    ratio: {
      p50: round(pct(requestLat, 50) / pct(bareLat, 50)),
      p99: round(pct(requestLat, 99) / pct(bareLat, 99)),
    },
  };
}

// Start latency: `POST /v1/cases` over HTTP (start, billing's order upsert, the case read) against
// the raw client's `workflow.start` alone and against start + first query (the same two calls the
// API makes: the floor for an answer that carries the case state). Series interleaved sample by
// sample; then starts a second through the API, 20 at a time.
import { caseFingerprint } from '../../client/refund-client';
import { workflowIdForOrder } from '../../workflows/case-state';
import type { BenchStack } from './bench-stack';
import { ADMIN_KEY, POLICY, cleanOrder, inPool, ms, p50p99, pct, round } from './support';

export async function measureStartLatency(
  stack: BenchStack,
  starts: number,
): Promise<Record<string, unknown>> {
  const { api, cases, client, taskQueue } = stack;
  const apiStart = async (): Promise<number> => {
    const o = cleanOrder('api-start');
    const t = process.hrtime.bigint();
    const res = await fetch(`${api.url}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ policyId: POLICY.id, order: o }),
    });
    await res.text();
    if (res.status !== 201) throw new Error(`API start answered ${res.status}`);
    return ms(t);
  };
  const rawStart = async (): Promise<number> => {
    const o = cleanOrder('raw-start');
    const t = process.hrtime.bigint();
    await client.workflow.start('refundCase', {
      taskQueue,
      workflowId: workflowIdForOrder(o.orderId),
      args: [{ policy: POLICY, order: o, fingerprint: caseFingerprint(POLICY, o) }],
    });
    const elapsed = ms(t);
    // Untimed: let its first workflow task finish, so it does not compete with the next sample.
    await cases.read(o.orderId);
    return elapsed;
  };
  const rawStartAndQuery = async (): Promise<number> => {
    const o = cleanOrder('raw-start-query');
    const t = process.hrtime.bigint();
    await cases.start(POLICY, o);
    await cases.read(o.orderId);
    return ms(t);
  };
  const apiLat: number[] = [];
  const rawLat: number[] = [];
  const rawQueryLat: number[] = [];
  for (let i = 0; i < starts; i++) {
    rawLat.push(await rawStart());
    rawQueryLat.push(await rawStartAndQuery());
    apiLat.push(await apiStart());
  }
  const concurrentStarts = Math.max(starts, 200);
  const t = process.hrtime.bigint();
  await inPool(Array.from({ length: concurrentStarts }), 20, async () => void (await apiStart()));
  return {
    sequentialStarts: starts,
    apiMs: p50p99(apiLat),
    rawClientMs: p50p99(rawLat),
    rawClientStartAndQueryMs: p50p99(rawQueryLat),
    ratio: { p50: round(pct(apiLat, 50) / pct(rawLat, 50)), p99: round(pct(apiLat, 99) / pct(rawLat, 99)) },
    ratioToStartAndQuery: {
      p50: round(pct(apiLat, 50) / pct(rawQueryLat, 50)),
      p99: round(pct(apiLat, 99) / pct(rawQueryLat, 99)),
    },
    apiStartsPerSecond: {
      value: round(concurrentStarts / (ms(t) / 1000)),
      starts: concurrentStarts,
      concurrency: 20,
    },
  };
}

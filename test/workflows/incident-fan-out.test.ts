// The incident fan-out workflow: it signals every listed case, counts the ones that ended before
// their signal, reports progress by query and continues as new so no run's history grows with
// the incident's size.
import assert from 'node:assert/strict';
import type { temporal } from '@temporalio/proto';
import { getPreset, type Order } from '../../policies';
import {
  incidentProgressQuery,
  FAN_OUT_PER_RUN,
  type incidentFanOut,
  type IncidentFanOutProgress,
} from '../../workflows/incident-fan-out';
import type { RefundCases } from '../../client/refund-client';
import { orderId, stubActivities, waitForCase, withCaseWorker } from './support';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

describe('incident fan-out workflow (time skipping)', function () {
  this.timeout(180_000);

  it('signals each listed case once, skips the ones that are gone, and continues as new past its run budget', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ env, cases, taskQueue, now }) => {
      const at = (await now()).toISOString();
      const live: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = orderId('fan-out');
        await cases.start(getPreset('proxy-strict')!, {
          orderId: id,
          customerId: `cust-${id}`,
          channel: 'official',
          paymentMethod: 'card',
          amountMinor: 3_000,
          currency: 'USD',
          purchasedAt: at,
          productId: 'proxy-residential',
          billing: { kind: 'one_time' },
          quota: { unit: 'gb', included: 10 },
        } as Order);
        live.push(id);
      }
      // Cases listed by visibility that ended (or never existed) before the fan-out reached them.
      const gone = Array.from({ length: FAN_OUT_PER_RUN + 150 }, (_, i) => `gone-${i}-${Date.now()}`);
      const incident = {
        incidentId: `inc-${Date.now()}`,
        productId: 'proxy-residential',
        from: at,
        to: new Date(Date.parse(at) + 60_000).toISOString(),
        description: 'Upstream carrier outage',
        actor: { role: 'reviewer' as const },
      };
      const handle = await env.client.workflow.start<typeof incidentFanOut>('incidentFanOut', {
        taskQueue,
        workflowId: `incident-${incident.incidentId}`,
        args: [{ incident, receivedAt: at, orderIds: [live[0]!, ...gone, live[1]!, live[2]!] }],
      });
      const result = await handle.result();
      assert.deepEqual(
        {
          total: result.total,
          signalled: result.signalled,
          skipped: result.skipped.length,
          done: result.done,
        },
        { total: gone.length + 3, signalled: 3, skipped: gone.length, done: true },
      );
      assert.deepEqual(
        (await handle.query(incidentProgressQuery)).signalled,
        3,
        'the query reports the same',
      );
      for (const id of live) {
        const state = await waitForCase(cases, id, (s) => s.incidents.length === 1);
        assert.equal(state.incidents[0]!.incidentId, incident.incidentId);
      }
      // Runs: one per FAN_OUT_PER_RUN signals, each history bounded.
      const runs: number[] = [];
      for (let runId: string | undefined = handle.firstExecutionRunId; runId;) {
        const history: { events?: HistoryEvent[] | null } = await env.client.workflow
          .getHandle(handle.workflowId, runId)
          .fetchHistory();
        const events: HistoryEvent[] = history.events ?? [];
        runs.push(events.length);
        runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      }
      assert.ok(runs.length >= 2, `continued as new (${runs.length} runs)`);
      assert.ok(Math.max(...runs) < 4 * FAN_OUT_PER_RUN, `every run bounded: ${runs.join(', ')} events`);
      console.log(`      runs: ${runs.length}, events per run: ${runs.join(', ')}`);
    });
  });

  it('a repeat confirmation signals the cases the first one was not given, and none twice', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const at = (await now()).toISOString();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = orderId('reconfirm');
        await cases.start(getPreset('proxy-strict')!, {
          orderId: id,
          customerId: `cust-${id}`,
          channel: 'official',
          paymentMethod: 'card',
          amountMinor: 3_000,
          currency: 'USD',
          purchasedAt: at,
          productId: 'proxy-residential',
          billing: { kind: 'one_time' },
          quota: { unit: 'gb', included: 10 },
        } as Order);
        ids.push(id);
      }
      const [first, second, third] = ids as [string, string, string];
      const incident = {
        incidentId: `inc-again-${Date.now()}`,
        productId: 'proxy-residential',
        from: at,
        to: new Date(Date.parse(at) + 60_000).toISOString(),
        description: 'Upstream carrier outage',
        actor: { role: 'reviewer' as const },
      };
      // Visibility listed only the first case when the incident was first confirmed.
      await cases.startIncidentFanOut(incident, [first], at);
      const done = await untilDone(cases, incident.incidentId, 1);
      assert.deepEqual([done.total, done.signalled], [1, 1]);
      await waitForCase(cases, first, (s) => s.incidents.length === 1);
      assert.equal((await cases.read(second)).incidents.length, 0, 'not listed, not signalled');

      // Confirmed again once visibility lists the second: the finished fan-out takes it up.
      await cases.startIncidentFanOut(incident, [first, second], at);
      const again = await untilDone(cases, incident.incidentId, 2);
      assert.deepEqual([again.total, again.signalled, again.skipped], [2, 2, []]);
      await waitForCase(cases, second, (s) => s.incidents.length === 1);

      // A third confirmation while a large fan-out may still run (cases that are gone first):
      // whether it joins the running one or follows a finished one, the new case is signalled.
      const gone = Array.from({ length: 120 }, (_, i) => `gone-again-${i}-${Date.now()}`);
      await cases.startIncidentFanOut(incident, [first, second, ...gone], at);
      await cases.startIncidentFanOut(incident, [first, second, ...gone, third], at);
      const last = await untilDone(cases, incident.incidentId, 3 + gone.length);
      assert.deepEqual([last.total, last.signalled, last.skipped.length], [3 + gone.length, 3, gone.length]);
      await waitForCase(cases, third, (s) => s.incidents.length === 1);

      // Across every run of the fan-out, each case got exactly one signal (its own history says).
      for (const id of [first, second, third]) {
        const history = await cases.handle(id).fetchHistory();
        const signals = (history.events ?? []).filter(
          (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'incidentConfirmed',
        );
        assert.equal(signals.length, 1, `${id} signalled once`);
      }
    });
  });
});

/** Polls the incident's fan-out until it is done with `total` cases. */
async function untilDone(
  cases: RefundCases,
  incidentId: string,
  total: number,
): Promise<IncidentFanOutProgress> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const progress = await cases.incidentProgress(incidentId);
    if (progress?.done && progress.total === total) return progress;
    if (Date.now() > deadline)
      throw new Error(`fan-out never done with ${total}: ${JSON.stringify(progress)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

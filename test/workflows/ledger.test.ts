// The case ledger's writes from the workflow (workflows/case/ledger.ts), on the time-skipping
// server with a stub ledger that keeps one row per event key, as the real store does: a paid case
// writes each row it owes exactly once, a ledger that is down for a day neither fails nor slows the
// case and gets every row once it is back, and rows waiting at a continue-as-new are written by the
// next run under the same keys.
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { getPreset, type Order } from '../../policies';
import type { LedgerEntry } from '../../activities/contract';
import {
  DAY,
  orderId,
  recordHistory,
  stubActivities,
  waitForCase,
  withCaseWorker,
  type Stubs,
  testOrder,
} from './support';

const usageProrata = () => getPreset('usage-prorata')!;
const HOUR = 60 * 60_000;

const order = (id: string, at: Date, overrides: Partial<Order> = {}): Order =>
  testOrder(id, at, { productId: 'api-pro', ...overrides });

const rowsOf = (stubs: Stubs, id: string): LedgerEntry[] =>
  [...stubs.ledger.values()].filter((r) => r.order_id === id);
const keysOf = (stubs: Stubs, id: string) => rowsOf(stubs, id).map((r) => r.event_key);
/** Every row each successful call carried: a key in two successful calls would be a double write. */
function writtenKeys(stubs: Stubs, failed: Set<unknown>): string[] {
  return stubs
    .named('appendLedger')
    .filter((c) => !failed.has(c.input))
    .flatMap((c) => (c.input as { rows: LedgerEntry[] }).rows.map((r) => r.event_key));
}

async function runsOf(client: Client, workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    runs.unshift(runId);
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runId =
      history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return runs;
}

describe('the case ledger: rows from the workflow (time skipping)', function () {
  this.timeout(600_000);

  it('a paid case writes opened, requested, decided, paid and closed: each once, in workflow time, no personal data', async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('ledger-paid');
      await cases.start(usageProrata(), order(id, await now()), { role: 'checkout', id: 'key-checkout-1' });
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const pending = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      const refundId = pending.payout!.refundId!;
      await cases.paymentUpdate(id, { eventId: 'evt_1', refundId, status: 'succeeded' });
      await cases.paymentUpdate(id, { eventId: 'evt_1', refundId, status: 'succeeded' }); // a replayed webhook
      assert.equal((await cases.handle(id).result()).status, 'paid');
      const state = await cases.read(id);

      const rows = rowsOf(stubs, id);
      assert.deepEqual(
        rows.map((r) => r.event_key),
        [`${id}:opened:1`, `${id}:requested:1`, `${id}:decided:1`, `${id}:paid:1`, `${id}:closed:1`],
      );
      const at = (type: string) => state.timeline.find((e) => e.type === type)!.at;
      const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
      // Workflow time: each row carries the moment its timeline entry was recorded.
      assert.equal(byKind.opened!.occurred_at, at('case_opened'));
      assert.equal(byKind.requested!.occurred_at, at('refund_requested'));
      assert.equal(byKind.decided!.occurred_at, at('decision'));
      assert.equal(byKind.paid!.occurred_at, at('payout_settled'));
      for (const row of rows) {
        assert.equal(row.policy_id, 'usage-prorata');
        assert.equal(row.policy_version, String(state.policyVersion));
      }
      assert.deepEqual(
        {
          outcome: byKind.decided!.outcome,
          amount: byKind.decided!.amount_minor,
          currency: byKind.decided!.currency,
          reasons: JSON.parse(byKind.decided!.reason_codes),
          requestedAt: byKind.decided!.requested_at,
          actor: byKind.decided!.actor_role,
        },
        {
          outcome: state.decision!.outcome,
          amount: state.decision!.amountMinor,
          currency: 'USD',
          reasons: state.decision!.reasons,
          requestedAt: state.request!.requestedAt,
          actor: 'system',
        },
      );
      assert.equal(byKind.paid!.amount_minor, state.payout!.amountMinor);
      assert.equal(byKind.paid!.deadline_at, state.deadlines.payoutDeadline);
      assert.equal(byKind.closed!.outcome, 'paid');
      // Staff keep their key id; the customer is a role only, and nothing names them.
      assert.deepEqual([byKind.opened!.actor_role, byKind.opened!.actor_id], ['checkout', 'key-checkout-1']);
      assert.deepEqual([byKind.requested!.actor_role, byKind.requested!.actor_id], ['customer', null]);
      assert.doesNotMatch(JSON.stringify(rows), new RegExp(`cust-${id}`));
      // Written once each, in fewer calls than rows (rows of one workflow task go together).
      const keys = writtenKeys(stubs, new Set());
      assert.deepEqual([...keys].sort(), [...rows.map((r) => r.event_key)].sort(), 'no row sent twice');
      assert.ok(stubs.named('appendLedger').length < rows.length, 'batched per workflow task');
      // The opened row went to the worker's sink at open, once, and again with the case's next write
      // (for the backfill): the first local activity carries it with the requested row.
      assert.deepEqual(
        stubs.sunk.map((batch) => batch.map((r) => r.event_key)),
        [[`${id}:opened:1`]],
      );
      const first = (stubs.named('appendLedger')[0]!.input as { rows: LedgerEntry[] }).rows;
      assert.deepEqual(
        first.slice(0, 2).map((r) => r.event_key),
        [`${id}:opened:1`, `${id}:requested:1`],
      );
      await recordHistory(cases, id, 'ledger-paid');
    });
  });

  it('a ledger down for a day neither fails nor delays the case; every row arrives once it is back', async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('ledger-down');
      stubs.faults.set('appendLedger', { kind: 'outage' });
      const failed = new Set<unknown>();
      const start = await now();
      await cases.start(usageProrata(), order(id, start));
      const answer = await cases.requestRefund(id, { reason: 'changed_mind' });
      // The request is answered with its decision as when the ledger is up.
      assert.equal(answer.decision?.outcome, 'full_refund');
      const pending = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      const refundId = pending.payout!.refundId!;
      await cases.paymentUpdate(id, { eventId: 'evt_1', refundId, status: 'succeeded' });
      const paid = await waitForCase(cases, id, (s) => s.status === 'paid');
      // Not delayed: the payout went out within the minute of the request, as on the happy path.
      const requestedAt = Date.parse(paid.request!.requestedAt);
      const sentAt = Date.parse(paid.timeline.find((e) => e.type === 'payout_sent')!.at);
      assert.ok(sentAt - requestedAt < 60_000, `payout sent ${sentAt - requestedAt} ms after the request`);

      await env.sleep(DAY);
      for (const call of stubs.named('appendLedger')) failed.add(call.input);
      assert.equal(rowsOf(stubs, id).length, 0, 'nothing written while the ledger is down');
      const description = await cases.handle(id).describe();
      assert.equal(description.status.name, 'RUNNING', 'the case neither failed nor ended early');
      assert.equal((await cases.read(id)).status, 'paid');
      // Tried on the effect queue's backoff (1 min, 5, 15, 1 h, then every 6 h), not in a tight loop.
      const tries = failed.size;
      assert.ok(tries >= 4 && tries <= 10, `${tries} tries in a day`);

      stubs.faults.delete('appendLedger');
      await env.sleep(7 * HOUR);
      await waitForCase(cases, id, () => rowsOf(stubs, id).length >= 4);
      assert.deepEqual(keysOf(stubs, id), [
        `${id}:opened:1`,
        `${id}:requested:1`,
        `${id}:decided:1`,
        `${id}:paid:1`,
      ]);
      // The rows keep the times the events happened, not the time the ledger came back.
      const paidRow = rowsOf(stubs, id).find((r) => r.kind === 'paid')!;
      assert.equal(paidRow.occurred_at, paid.timeline.find((e) => e.type === 'payout_settled')!.at);

      // The settle period ends: the run closes and writes its last row.
      await env.sleep(31 * DAY);
      assert.equal((await cases.handle(id).result()).status, 'paid');
      assert.deepEqual(keysOf(stubs, id).at(-1), `${id}:closed:1`);
      const keys = writtenKeys(stubs, failed);
      assert.equal(new Set(keys).size, keys.length, 'no row written twice');
    });
  });

  it('the opened row: by sink at open, no local activity for it; a ledger down at open gets it with the next write, once', async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('ledger-open-down');
      stubs.faults.set('appendLedger', { kind: 'outage' });
      await cases.start(usageProrata(), order(id, await now()));
      await waitForCase(cases, id, () => stubs.sunk.length > 0);
      assert.equal(rowsOf(stubs, id).length, 0, 'the ledger is down: the sink wrote nothing');
      // The row alone asks for no write: no local activity, no retry timer, however long the case waits.
      await env.sleep(2 * DAY);
      assert.equal(stubs.named('appendLedger').length, 0, 'no local activity for the opened row');
      const history = await cases.handle(id).fetchHistory();
      assert.ok(
        !(history.events ?? []).some(
          (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
        ),
        'no local-activity marker in the untouched case',
      );

      stubs.faults.delete('appendLedger');
      await cases.requestRefund(id, { reason: 'changed_mind' });
      await waitForCase(cases, id, () => rowsOf(stubs, id).length >= 3);
      const [firstWrite] = stubs.named('appendLedger');
      assert.deepEqual(
        (firstWrite!.input as { rows: LedgerEntry[] }).rows.slice(0, 2).map((r) => r.event_key),
        [`${id}:opened:1`, `${id}:requested:1`],
        'the opened row went with the next write',
      );
      assert.equal(rowsOf(stubs, id).filter((r) => r.kind === 'opened').length, 1);
      const keys = writtenKeys(stubs, new Set());
      assert.equal(keys.filter((k) => k === `${id}:opened:1`).length, 1, 'written once by the case');
      assert.equal(stubs.sunk.length, 1, 'the sink was asked once (not again on replay)');
    });
  });

  it('rows waiting when the case continues as new are written by the next run, once, under their keys', async () => {
    // A payout the gateway never settles: the case is polled for months, in runs of bounded history.
    const stubs = stubActivities({ usage: { used: 0 } }, { mode: 'pending', statusOnCheck: 'pending' });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('ledger-can');
      stubs.faults.set('appendLedger', { kind: 'outage' });
      await cases.start(usageProrata(), order(id, await now()));
      await cases.requestRefund(id, { reason: 'changed_mind' });
      await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      const workflowId = cases.handle(id).workflowId;
      for (let i = 0; i < 40 && (await runsOf(cases.client, workflowId)).length < 2; i++)
        await env.sleep(20 * DAY);
      const runs = await runsOf(cases.client, workflowId);
      assert.ok(runs.length >= 2, `the case continued as new (${runs.length} runs)`);
      assert.equal(rowsOf(stubs, id).length, 0);
      const failed = new Set(stubs.named('appendLedger').map((c) => c.input));

      stubs.faults.delete('appendLedger');
      await env.sleep(7 * HOUR);
      const state = await waitForCase(cases, id, () => rowsOf(stubs, id).length >= 5);
      // Written from a later run: the first run's history holds no successful write.
      assert.ok((await runsOf(cases.client, workflowId)).length >= 2);
      const keys = keysOf(stubs, id);
      for (const key of ['opened:1', 'requested:1', 'decided:1', 'escalated:1', 'payout_failed:1'])
        assert.ok(keys.includes(`${id}:${key}`), `${key} in ${keys.join(', ')}`);
      assert.ok(state.escalations.some((e) => e.reason.startsWith('payout limit')));
      const limit = rowsOf(stubs, id).find((r) => r.kind === 'payout_failed')!;
      assert.deepEqual(JSON.parse(limit.reason_codes), ['PAYOUT_LIMIT_PASSED']);
      assert.deepEqual(JSON.parse(rowsOf(stubs, id).find((r) => r.kind === 'escalated')!.reason_codes), [
        'PAYOUT_LIMIT',
      ]);
      const written = writtenKeys(stubs, failed);
      assert.equal(new Set(written).size, written.length, 'no row written twice');
    });
  });
});

// Gateway behaviour and adapter faults, injected by wrapping the embedded adapters' ports: the
// case's own retries, timers and failure routes do the rest. One batch, one time-skipping server.
import assert from 'node:assert/strict';
import type { ScenarioResult } from '../../client/simulate';
import { entry, order, run, types } from './support';

const request = (at: string) => ({ at, type: 'refund-request', body: { reason: 'changed_mind' } });
/** usage-prorata with nothing used: a full refund of $10.00 at once, paid by the gateway. */
const prorata = (id: string, extra: Record<string, unknown>) => ({
  policyId: 'usage-prorata',
  order: order(id),
  billing: { usage: { used: 0 } },
  events: [request('P1D')],
  ...extra,
});

describe('case simulate: gateway modes and faults', function () {
  this.timeout(300_000);
  let r: Record<string, ScenarioResult>;

  before(async () => {
    const scenarios = {
      succeeded: prorata('gw-succeeded', { gateway: { settle: 'succeeded', afterSeconds: 90 } }),
      failed: prorata('gw-failed', {
        gateway: { settle: 'failed', failureReason: 'insufficient_funds' },
        until: 'P5D',
      }),
      never: prorata('gw-never', { gateway: { settle: 'never' }, until: 'P20D' }),
      billingDown: prorata('fault-billing', {
        faults: [{ port: 'billing', kind: 'unavailable', from: 'P1D', to: 'P1DT1H' }],
        events: [request('P1DT10M')],
      }),
      snapshotRejected: prorata('fault-snapshot', {
        faults: [{ port: 'billing', operation: 'getAccountSnapshot', kind: 'rejects', from: 'P0D' }],
      }),
      emailRejected: prorata('fault-email', {
        faults: [{ port: 'email', operation: 'send', kind: 'rejects', from: 'P0D' }],
      }),
      paymentsRejects: prorata('fault-payments', {
        faults: [{ port: 'payments', kind: 'rejects', from: 'P0D' }],
        until: 'P5D',
      }),
      paymentsDown: prorata('fault-create', {
        faults: [
          { port: 'payments', operation: 'createRefund', kind: 'unavailable', from: 'P1D', to: 'P1DT2H' },
        ],
      }),
      paymentsLongOutage: prorata('fault-long', {
        faults: [{ port: 'payments', kind: 'unavailable', from: 'P1D', to: 'P4D' }],
        until: 'P5D',
      }),
    };
    const results = await run(Object.values(scenarios));
    r = Object.fromEntries(Object.keys(scenarios).map((name, i) => [name, results[i]!]));
  });

  it('succeeded: the gateway settles after afterSeconds and its webhook pays the case', () => {
    assert.equal(r.succeeded!.status, 'paid');
    assert.equal(entry(r.succeeded!, 'payout_sent').at, '2025-03-04T10:00:00.000Z');
    assert.equal(entry(r.succeeded!, 'payout_settled').at, '2025-03-04T10:01:30.000Z');
    assert.deepEqual(r.succeeded!.money, [
      {
        at: '2025-03-04T10:00:00.000Z',
        kind: 'refund',
        amountMinor: 1000,
        currency: 'USD',
        status: 'succeeded',
        settledAt: '2025-03-04T10:01:30.000Z',
      },
    ]);
    // The run ends when the settle period (30 days for this preset) after the payment is over.
    const ended = Date.parse(r.succeeded!.endedAt) - Date.parse('2025-03-04T10:01:30.000Z');
    assert.ok(ended >= 30 * 86_400_000 && ended < 30 * 86_400_000 + 60_000, r.succeeded!.endedAt);
    assert.equal(r.succeeded!.workflow, 'completed');
  });

  it('failed: the payout fails with the gateway reason, the case escalates to support and pays nothing', () => {
    const f = r.failed!;
    assert.equal(f.status, 'approved');
    assert.equal(f.escalated, true);
    assert.deepEqual(f.payout, { status: 'failed', amountMinor: 1000 });
    assert.match(entry(f, 'payout_failed').summary, /insufficient_funds/);
    assert.equal(entry(f, 'payout_failed').at, '2025-03-04T10:00:03.000Z');
    assert.ok(
      f.emails.some((m) => m.to === 'support@refundflow.local' && m.kind === 'support:payout_failed'),
      JSON.stringify(f.emails),
    );
    assert.deepEqual(
      f.money.map((m) => m.status),
      ['failed'],
    );
    assert.equal(f.workflow, 'running');
    assert.equal(f.endedAt, '2025-03-08T10:00:00.000Z');
  });

  it('never: the refund stays pending, the payout limit escalates, the case is still running at until', () => {
    const n = r.never!;
    assert.equal(n.status, 'payout_pending');
    assert.equal(n.workflow, 'running');
    assert.equal(n.closed, false);
    assert.equal(n.escalated, true);
    assert.equal(entry(n, 'escalated').at, n.deadlines.payoutDeadline);
    // 14 days after the approval on 4 March, to the end of that day.
    assert.equal(n.deadlines.payoutDeadline, '2025-03-18T23:59:59.999Z');
    assert.deepEqual(
      n.money.map((m) => m.status),
      ['pending'],
    );
    assert.equal(n.endedAt, '2025-03-23T10:00:00.000Z');
  });

  it('unavailable without an operation: every billing call retries until the fault ends, then the case goes on', () => {
    const b = r.billingDown!;
    assert.equal(b.status, 'paid');
    assert.equal(entry(b, 'refund_requested').at, '2025-03-04T10:10:00.000Z');
    // The decision needs billing's snapshot: the case retries on its own durable backoff (1, 5 and
    // 15 minutes, then an hour), so it decides at the first retry after billing is back at 11:00.
    const decidedAt = Date.parse(entry(b, 'decision').at);
    assert.ok(decidedAt >= Date.parse('2025-03-04T11:00:00.000Z'), entry(b, 'decision').at);
    assert.ok(decidedAt <= Date.parse('2025-03-04T12:00:00.000Z'), entry(b, 'decision').at);
  });

  it("rejects with an operation: billing's UnknownOrder on the snapshot, and the case decides on its own facts", () => {
    const s = r.snapshotRejected!;
    assert.ok(types(s).includes('billing_unknown_order'), types(s).join());
    // Not wedged: the request was decided the moment it arrived (what it decided is the policy's business).
    assert.equal(entry(s, 'decision').at, '2025-03-04T10:00:00.000Z');
  });

  it('rejects on email send: every message fails for good, the case still pays', () => {
    const e = r.emailRejected!;
    assert.equal(e.status, 'paid');
    assert.deepEqual(e.emails, []);
    assert.ok(types(e).filter((t) => t === 'email_failed').length >= 3, types(e).join());
  });

  it('rejects without an operation on payments: the refund is refused, support must choose another route', () => {
    const p = r.paymentsRejects!;
    assert.equal(p.status, 'approved');
    assert.equal(p.escalated, true);
    assert.match(entry(p, 'payout_failed').summary, /RefundRejected/);
    assert.deepEqual(p.money, []);
  });

  it('unavailable on createRefund: the refund is created when the gateway is back', () => {
    const d = r.paymentsDown!;
    assert.equal(d.status, 'paid');
    // Sent at the first of the case's own retries after the gateway is back at 12:00 (the backoff
    // grows to every 6 hours), settled three seconds later.
    const sentAt = Date.parse(entry(d, 'payout_sent').at);
    assert.ok(sentAt >= Date.parse('2025-03-04T12:00:00.000Z'), entry(d, 'payout_sent').at);
    assert.ok(sentAt <= Date.parse('2025-03-04T18:00:00.000Z'), entry(d, 'payout_sent').at);
    assert.equal(Date.parse(entry(d, 'payout_settled').at) - sentAt, 3_000);
  });

  it('unavailable for three days: the case never gives up on money owed, tells support, and pays when the gateway is back', () => {
    const l = r.paymentsLongOutage!;
    assert.equal(l.status, 'paid');
    assert.equal(l.escalated, true, 'support was told while the gateway was down');
    const escalatedAt = Date.parse(entry(l, 'escalated').at);
    assert.ok(escalatedAt < Date.parse('2025-03-07T10:00:00.000Z'), 'told before the gateway came back');
    // Sent at the first of the case's 6-hourly retries after the outage ended, once.
    const sentAt = Date.parse(entry(l, 'payout_sent').at);
    assert.ok(
      sentAt >= Date.parse('2025-03-07T10:00:00.000Z') && sentAt <= Date.parse('2025-03-07T16:00:00.000Z'),
    );
    assert.deepEqual(
      l.money.map((m) => m.status),
      ['succeeded'],
    );
  });
});

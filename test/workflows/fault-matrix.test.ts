// The fault matrix: every activity the case calls × {a retryable outage longer than its
// schedule-to-close, a non-retryable rejection} × each place it is called (the scenario that
// reaches it). Whatever fails, the workflow never fails, no accepted message is lost, no money is
// paid twice, and nothing owed is left without an escalation. On the time-skipping server: an
// outage lasts 26 hours of workflow time (past every escalation bound), then the peer recovers.
import assert from 'node:assert/strict';
import { getPreset } from '../../policies';
import type { RefundActivities } from '../../activities/contract';
import type { CaseState } from '../../workflows/case-state';
import {
  DAY,
  orderId,
  stubActivities,
  waitForCase,
  withCaseWorker,
  type Fault,
  type Stubs,
  testOrder,
} from './support';
import type { RefundCases } from '../../client/refund-client';

const HOUR = 60 * 60_000;

const order = testOrder;

interface Ctx {
  cases: RefundCases;
  id: string;
  stubs: Stubs;
  now: () => Promise<Date>;
}

/** A path through the case that reaches some places; `settled` says the path completed. */
interface Scenario {
  name: string;
  /** The activities this path calls, each at a place named for the report. */
  places: Partial<Record<keyof RefundActivities, string>>;
  setup: (ctx: Ctx) => Promise<void>;
  /** Messages the customer or a reviewer sends; each accepted one must show in the state. */
  drive: (ctx: Ctx) => Promise<void>;
  /** After the peer recovered: the path completed. */
  done: (state: CaseState) => boolean;
  /** What the driven messages left on the state (never lost, whatever failed). */
  accepted: (state: CaseState) => boolean;
  gateway?: Parameters<typeof stubActivities>[1];
}

async function failedPayout(ctx: Ctx): Promise<void> {
  await ctx.cases.start(getPreset('usage-prorata')!, order(ctx.id, await ctx.now()));
  await ctx.cases.requestRefund(ctx.id, { reason: 'changed_mind' });
  await waitForCase(ctx.cases, ctx.id, (s) => s.payout?.status === 'failed');
}

const scenarios: Scenario[] = [
  {
    name: 'mechanical refund, settled by the status check',
    places: {
      getAccountSnapshot: 'assessing the request',
      sendCustomerEmail: 'request received, decision, payout sent, payout settled',
      withdrawAccess: 'on approval',
      createRefund: 'the payout',
      getRefundStatus: 'the settlement check',
    },
    gateway: { statusOnCheck: 'succeeded' },
    setup: async (ctx) =>
      void (await ctx.cases.start(getPreset('usage-prorata')!, order(ctx.id, await ctx.now()))),
    drive: async (ctx) => void (await ctx.cases.requestRefund(ctx.id, { reason: 'changed_mind' })),
    accepted: (s) => !!s.request,
    done: (s) => s.status === 'paid',
  },
  {
    name: 're-routed payout after a failure',
    places: { createRefund: 'the second attempt', findRefunds: 'the look-up before the second attempt' },
    gateway: { mode: 'failed', statusOnCheck: 'succeeded' },
    setup: async (ctx) => {
      await ctx.cases.start(getPreset('usage-prorata')!, order(ctx.id, await ctx.now()));
      await ctx.cases.requestRefund(ctx.id, { reason: 'changed_mind' });
      await waitForCase(ctx.cases, ctx.id, (s) => s.payout?.status === 'failed');
      ctx.stubs.gateway.mode = 'pending';
    },
    drive: async (ctx) =>
      void (await ctx.cases.decide(ctx.id, { outcome: 'full_refund', note: 'new card on file' })),
    accepted: (s) => s.timeline.some((e) => e.type === 'payout_rerouted'),
    done: (s) => s.status === 'paid',
  },
  {
    name: 'review needed',
    places: { notifySupport: 'the review notice' },
    setup: async (ctx) =>
      void (await ctx.cases.start(getPreset('cloud-provider-fault')!, order(ctx.id, await ctx.now()))),
    drive: async (ctx) => void (await ctx.cases.requestRefund(ctx.id, { reason: 'provider_fault' })),
    accepted: (s) => !!s.request,
    done: (s) => s.timeline.some((e) => e.type === 'support_notified' && e.data?.kind === 'needs_review'),
  },
  {
    name: 'payout failed, support re-routes to an account credit',
    places: { issueCredit: 'the credit' },
    gateway: { mode: 'failed' },
    setup: failedPayout,
    drive: async (ctx) =>
      void (await ctx.cases.decide(ctx.id, {
        outcome: 'credit',
        amountMinor: 1000,
        note: 'card expired: credit',
      })),
    accepted: (s) => s.decision?.outcome === 'credit',
    done: (s) => s.status === 'credited',
  },
  {
    name: 'payout failed, support re-routes to a service extension',
    places: { grantServiceExtension: 'the extension' },
    gateway: { mode: 'failed' },
    setup: failedPayout,
    drive: async (ctx) =>
      void (await ctx.cases.decide(ctx.id, {
        outcome: 'service_extension',
        extensionDays: 14,
        note: 'two more weeks',
      })),
    accepted: (s) => s.decision?.outcome === 'service_extension',
    done: (s) => s.status === 'extended',
  },
  {
    name: 'subscription cancelled',
    places: {
      cancelSubscriptionAtPeriodEnd: 'the cancellation',
      sendCustomerEmail: 'cancellation confirmed',
    },
    setup: async (ctx) => {
      const start = await ctx.now();
      const periodEnd = new Date(start.getTime() + 30 * DAY).toISOString();
      await ctx.cases.start(
        getPreset('services-fix-first')!,
        order(ctx.id, start, {
          billing: { kind: 'subscription', periodStart: start.toISOString(), periodEnd },
        }),
      );
    },
    drive: async (ctx) => void (await ctx.cases.cancelSubscription(ctx.id, {})),
    accepted: (s) => !!s.subscription?.cancelRequestedAt,
    done: (s) =>
      s.timeline.some((e) => e.type === 'subscription_cancelled_in_billing') &&
      s.timeline.some((e) => e.type === 'customer_emailed'),
  },
  {
    name: 'information requested from the customer',
    places: { sendCustomerEmail: 'information requested' },
    setup: async (ctx) => {
      await ctx.cases.start(getPreset('cloud-provider-fault')!, order(ctx.id, await ctx.now()));
      await ctx.cases.requestRefund(ctx.id, { reason: 'provider_fault' });
      await waitForCase(
        ctx.cases,
        ctx.id,
        // The request is the issue report: the case waits out the remediation clock, support reviews meanwhile.
        (s) =>
          s.status === 'remediation' && s.timeline.filter((e) => e.type === 'support_notified').length > 0,
      );
    },
    drive: async (ctx) => void (await ctx.cases.requestInformation(ctx.id, { items: ['logs'] })),
    accepted: (s) => !!s.informationRequest,
    done: (s) =>
      s.timeline.some((e) => e.type === 'customer_emailed' && e.data?.kind === 'information_requested'),
  },
];

const rejection: Record<keyof RefundActivities, string> = {
  getAccountSnapshot: 'UnknownOrder',
  sendCustomerEmail: 'InvalidRecipient',
  notifySupport: 'InvalidRecipient',
  withdrawAccess: 'UnknownOrder',
  issueCredit: 'InvalidRequest',
  grantServiceExtension: 'InvalidRequest',
  cancelSubscriptionAtPeriodEnd: 'UnknownOrder',
  createRefund: 'RefundRejected',
  getRefundStatus: 'UnknownRefund',
  findRefunds: 'UnknownOrder',
  appendLedger: 'InvalidRequest',
};

/** The invariants every cell asserts. */
async function invariants(ctx: Ctx & { scenario: Scenario }, kind: Fault['kind']): Promise<CaseState> {
  const description = await ctx.cases.handle(ctx.id).describe();
  assert.notEqual(description.status.name, 'FAILED', 'the workflow never fails');
  assert.notEqual(description.status.name, 'TERMINATED');
  const state = await ctx.cases.read(ctx.id);
  assert.ok(ctx.scenario.accepted(state), 'no accepted message is lost');
  assert.ok(ctx.stubs.live().length <= 1, `never paid twice (live refunds: ${ctx.stubs.live().length})`);
  // A case that went to a person (needs_review: e.g. USAGE_UNKNOWN when billing knows no usage)
  // is in support's queue already; anything else owed must be escalated.
  const withAPerson = state.status === 'under_review' && state.decision?.outcome === 'needs_review';
  const owed = ['approved', 'payout_pending', 'under_review'].includes(state.status) && !withAPerson;
  if (kind === 'reject' && owed)
    assert.ok(state.escalated, `nothing owed is left without an escalation (status ${state.status})`);
  return state;
}

describe('fault matrix: every activity × {outage, rejection} × each place (time skipping)', function () {
  this.timeout(300_000);
  let cells = 0;
  after(() => console.log(`      fault matrix: ${cells} cells run`));

  for (const scenario of scenarios) {
    for (const [activity, place] of Object.entries(scenario.places) as [keyof RefundActivities, string][]) {
      for (const kind of ['outage', 'reject'] as const) {
        it(`${activity} at ${place} (${scenario.name}): ${kind === 'outage' ? 'a 26-hour outage, then recovery' : `rejected (${rejection[activity]})`}`, async () => {
          cells++;
          const stubs = stubActivities({ usage: { used: 0 } }, scenario.gateway);
          await withCaseWorker(stubs, async ({ env, cases, now }) => {
            const ctx = { cases, id: orderId(`fm-${activity}-${kind}`), stubs, now, scenario };
            await scenario.setup(ctx);
            stubs.faults.set(
              activity,
              kind === 'outage' ? { kind: 'outage' } : { kind: 'reject', type: rejection[activity] },
            );
            await scenario.drive(ctx);
            await env.sleep(26 * HOUR);
            const during = await invariants(ctx, kind);
            if (kind === 'outage' && !scenario.done(during) && stubs.named(activity).length > 0)
              assert.ok(during.escalated, `a day of failures of ${activity} reached support`);
            stubs.faults.delete(activity);
            await env.sleep(7 * HOUR);
            const after = await invariants(ctx, kind);
            if (kind === 'outage') {
              const final = scenario.done(after)
                ? after
                : await waitForCase(cases, ctx.id, scenario.done, 30_000);
              assert.ok(scenario.done(final), `the path completes once ${activity} recovers`);
            }
            assert.ok(stubs.named(activity).length > 0, `the scenario reached ${activity}`);
          });
        });
      }
    }
  }
});

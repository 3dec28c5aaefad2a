// Conformance of preset `usage-prorata` to seed 004_f3fde63ee8052f4d.txt: each sentence that
// states a rule, quoted, with the cases that hold the preset to it — including its worked example.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  REQUEST_REASONS,
  decisionDeadline,
  evaluate,
  payoutDeadline,
  presets,
  requestWindowEndsAt,
  type OrderInput,
  type Policy,
} from '../../policies';
import { PURCHASED_AT, day, expectDecision, input } from './fixtures';

const policy = presets['usage-prorata'];
const apiPlan: Partial<OrderInput> = {
  quota: { unit: 'requests', included: 10_000 },
  invoicedAt: PURCHASED_AT,
};

describe('policies: seed 004 → usage-prorata', () => {
  describe('"In the event that you are not happy with your purchase of a service for any reason, you can submit a return request according to the conditions set below."', () => {
    for (const reason of REQUEST_REASONS) {
      it(`"${reason}" is treated like any other reason: 2,500 of 10,000 requests used → 750`, () => {
        expectDecision(policy, input(apiPlan, { reason, requestedAt: day(2), usage: { used: 2500 } }), {
          outcome: 'partial_refund',
          amountMinor: 750,
        });
      });
    }
  });

  it('"* Please note that not all of our services are returnable." — reading: listed product ids are final sales', () => {
    const withExclusion: Policy = { ...policy, nonRefundableProductIds: ['dedicated-ip'] };
    expectDecision(
      withExclusion,
      input({ ...apiPlan, productId: 'dedicated-ip' }, { reason: 'changed_mind', requestedAt: day(1) }),
      {
        outcome: 'denied',
        reasons: ['ALL_SALES_FINAL'],
        exactReasons: true,
      },
    );
    expectDecision(
      withExclusion,
      input(
        { ...apiPlan, productId: 'api-basic' },
        { reason: 'changed_mind', requestedAt: day(1), usage: { used: 0 } },
      ),
      { outcome: 'full_refund' },
    );
  });

  describe('"you must submit a return request within seven (7) days from the day the invoice was issued."', () => {
    it('the window counts from the invoice', () => {
      assert.equal(
        requestWindowEndsAt(policy, {
          purchasedAt: PURCHASED_AT,
          invoicedAt: day(5),
          billing: { kind: 'one_time' },
        }),
        '2025-03-15T23:59:59.999Z', // invoice on 8 March at 10:00 → to the end of 15 March
      );
    });
    it('invoice on 3 March 10:00, request on 10 March 15:00 → in time (calendar days, not minutes)', () => {
      expectDecision(
        policy,
        input(apiPlan, { reason: 'changed_mind', requestedAt: '2025-03-10T15:00:00Z', usage: { used: 0 } }),
        { outcome: 'full_refund', amountMinor: 1000 },
      );
    });
    it('a request on the 8th day after the invoice date (11 March, 00:00) → WINDOW_EXPIRED', () => {
      expectDecision(
        policy,
        input(apiPlan, { reason: 'changed_mind', requestedAt: '2025-03-11T00:00:00Z', usage: { used: 0 } }),
        {
          outcome: 'denied',
          reasons: ['WINDOW_EXPIRED'],
          exactReasons: true,
        },
      );
    });
  });

  it('"You can submit a return request by sending an email … which includes: 1. Your order number; And 2. A copy of the invoice payment."', () => {
    assert.deepEqual(policy.materials, ['order_number', 'invoice_copy']);
  });

  it('"The process of responding to the request may take a maximum of three (3) days" — three calendar days, then escalate', () => {
    assert.equal(decisionDeadline(policy, '2025-03-07T18:00:00Z'), '2025-03-10T23:59:59.999Z');
    assert.equal(policy.decision.businessDays, false);
    assert.equal(policy.decision.onDeadline, 'escalate');
  });

  it('"if it is approved, access to the service will be withdrawn." — access is withdrawn on approval', () => {
    assert.equal(policy.access.withdrawOnApproval, true);
  });

  it('"That you have requested a full refund" — reading: the whole service is returned; nothing used → the whole price back', () => {
    expectDecision(
      policy,
      input(apiPlan, { reason: 'changed_mind', requestedAt: day(1), usage: { used: 0 } }),
      { outcome: 'full_refund', amountMinor: 1000 },
    );
  });

  it('"The refund process may take up to fourteen (14) days from the date of submitting your refund request." — from the request, not the approval', () => {
    assert.equal(
      payoutDeadline(policy, { requestedAt: day(1), approvedAt: day(3) }),
      '2025-03-18T23:59:59.999Z',
    );
    assert.equal(policy.payout.anchor, 'request');
  });

  it('"It may take 1-2 business days for funds to appear on your card" — the card provider\'s time, not a policy clock', () => {
    assert.equal(policy.payout.limitDays, 14);
  });

  describe('"You can cancel the process at any time you like, with a refund ability for the amount remaining from your subscription."', () => {
    it('WORKED EXAMPLE: "$10.00 … 10,000 request … used the service for ten (10) days and the remaining requests are 7,000 request … we will refund you an amount of $7.00"', () => {
      // 1000 minor units (USD exponent 2); the invoice was issued on day 5, so day 10 is inside its window.
      const example = input(
        {
          ...apiPlan,
          amountMinor: 1000,
          currency: 'USD',
          invoicedAt: day(5),
          billing: { kind: 'subscription', periodStart: PURCHASED_AT, periodEnd: day(31) },
        },
        { reason: 'cancel_subscription', requestedAt: day(10), usage: { used: 3000 } },
      );
      const decision = expectDecision(policy, example, {
        outcome: 'partial_refund',
        amountMinor: 700,
        reasons: ['PRORATA_REMAINING_QUOTA'],
        exactReasons: true,
      });
      assert.equal(decision.currency, 'USD');
      assert.match(decision.explanations[0] ?? '', /7000 of 10000 requests remain: 7\.00 USD of 10\.00 USD/);
    });
    it('WORKED EXAMPLE, the normal case (invoice at purchase): the same arithmetic inside the 7 days; the example\'s "ten (10) days" fall outside them', () => {
      const month = { kind: 'subscription' as const, periodStart: PURCHASED_AT, periodEnd: day(31) };
      const atPurchase = (requestedAt: string) =>
        input(
          { ...apiPlan, invoicedAt: PURCHASED_AT, billing: month },
          { reason: 'cancel_subscription', requestedAt, usage: { used: 3000 } },
        );
      expectDecision(policy, atPurchase(day(7)), {
        outcome: 'partial_refund',
        amountMinor: 700,
        reasons: ['PRORATA_REMAINING_QUOTA'],
        exactReasons: true,
      });
      // Read literally, day 10 after an invoice issued at purchase is past the return period.
      expectDecision(policy, atPurchase(day(10)), { outcome: 'denied', reasons: ['WINDOW_EXPIRED'] });
    });
    it('"(in this example, $1.00 for each 1,000 request)" — each 1,000 requests is 100 minor units', () => {
      for (const remaining of [0, 1000, 4000, 9000]) {
        const decision = evaluate(
          policy,
          input(apiPlan, {
            reason: 'changed_mind',
            requestedAt: day(1),
            usage: { used: 10_000 - remaining },
          }),
        );
        assert.equal(decision.amountMinor, remaining / 10, `remaining ${remaining}`);
      }
    });
    it('everything used → nothing remains: denied SERVICE_RENDERED', () => {
      expectDecision(
        policy,
        input(apiPlan, { reason: 'changed_mind', requestedAt: day(1), usage: { used: 12_000 } }),
        { outcome: 'denied', amountMinor: 0, reasons: ['SERVICE_RENDERED'] },
      );
    });
    it('a subscription without a request quota is pro-rated by its remaining time (27 of 30 days → 900)', () => {
      const monthly = { kind: 'subscription' as const, periodStart: PURCHASED_AT, periodEnd: day(30) };
      expectDecision(
        policy,
        input(
          { billing: monthly, invoicedAt: PURCHASED_AT },
          { reason: 'cancel_subscription', requestedAt: day(3) },
        ),
        {
          outcome: 'partial_refund',
          amountMinor: 900,
          reasons: ['UNUSED_SUBSCRIPTION_PORTION'],
        },
      );
    });
    it('reading: "at any time" means within the return period — a cancellation after it gets no refund', () => {
      expectDecision(
        policy,
        input(apiPlan, { reason: 'cancel_subscription', requestedAt: day(10), usage: { used: 3000 } }),
        { outcome: 'denied', reasons: ['WINDOW_EXPIRED'] },
      );
    });
    it('the remaining share is of the price, capped at the cash paid: promotional credit is not paid out', () => {
      expectDecision(
        policy,
        input(
          { ...apiPlan, promoCreditMinor: 400 },
          { reason: 'changed_mind', requestedAt: day(1), usage: { used: 3000 } },
        ),
        {
          outcome: 'partial_refund',
          amountMinor: 600,
          reasons: ['PRORATA_REMAINING_QUOTA', 'PROMO_CREDIT_EXCLUDED'],
          exactReasons: true,
        },
      );
    });
    it('other currencies use their own minor unit: ¥1,000 (JPY exponent 0) with 3,333 of 10,000 left → ¥333', () => {
      expectDecision(
        policy,
        input(
          { ...apiPlan, currency: 'JPY' },
          { reason: 'changed_mind', requestedAt: day(1), usage: { used: 6667 } },
        ),
        { outcome: 'partial_refund', amountMinor: 333 },
      );
    });
  });

  describe('DESIGN: "Money never moves on unknown facts" — the refund depends on usage', () => {
    it('a request plan with no usage figure → needs_review USAGE_UNKNOWN, never the whole price as if nothing was used', () => {
      const request = input(apiPlan, { reason: 'changed_mind', requestedAt: day(1) });
      const decision = expectDecision(policy, request, {
        outcome: 'needs_review',
        amountMinor: 0,
        reasons: ['USAGE_UNKNOWN'],
        exactReasons: true,
      });
      assert.equal(decision.review?.kind, 'usage');
      // Once the usage is reported the case decides by itself.
      expectDecision(
        policy,
        { ...request, usage: { used: 3000 } },
        { outcome: 'partial_refund', amountMinor: 700 },
      );
    });
    it('a one-time plan with neither a quota nor a billing period has no measurable remainder → USAGE_UNKNOWN', () => {
      expectDecision(
        policy,
        input(
          { invoicedAt: PURCHASED_AT },
          { reason: 'changed_mind', requestedAt: day(1), usage: { used: 5 } },
        ),
        { outcome: 'needs_review', reasons: ['USAGE_UNKNOWN'] },
      );
    });
    it('a denial needs no usage figure: outside the window it is denied at once', () => {
      expectDecision(policy, input(apiPlan, { reason: 'changed_mind', requestedAt: day(9) }), {
        outcome: 'denied',
        reasons: ['WINDOW_EXPIRED'],
        exactReasons: true,
      });
    });
  });

  it('reading: an active chargeback blocks the refund (it would pay twice)', () => {
    expectDecision(
      policy,
      input(apiPlan, { reason: 'changed_mind', requestedAt: day(1), facts: { chargebackActive: true } }),
      { outcome: 'denied', reasons: ['ACTIVE_CHARGEBACK'], exactReasons: true },
    );
  });

  it('"Last update: 12 February 2022" — the preset records the version of the text it reads', () => {
    assert.equal(policy.source?.lastUpdated, '2022-02-12');
    assert.equal(policy.version, 1);
  });
});

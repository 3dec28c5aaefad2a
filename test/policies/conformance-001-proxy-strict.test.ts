// Conformance of preset `proxy-strict` to seed 001_890e5658e9f508d2.txt: each sentence that
// states a rule, quoted, with the cases that hold the preset to it. The base case is a clean
// refund: official channel, card, first purchase, light usage, an issue reported on day 1 and
// not fixed when the 15-day remediation clock runs out.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  checkReviewerChoice,
  decisionDeadline,
  decisionTarget,
  evaluate,
  payoutDeadline,
  presets,
  remediationDeadline,
  requestWindowEndsAt,
  reviewerBounds,
  type EvaluationInput,
  type OrderInput,
} from '../../policies';
import { pinHolidays } from '../../policies/holidays';
import { PURCHASED_AT, day, expectDecision, input } from './fixtures';

const policy = presets['proxy-strict'];
const gbPlan: Partial<OrderInput> = { quota: { unit: 'gb', included: 10 } };

/** Issue reported on day 1, request on day 2, evaluated after the 15-day clock (ends with day 16, 19 March) unless overridden. */
function clean(
  orderOverrides: Partial<OrderInput> = {},
  rest: Partial<Omit<EvaluationInput, 'order' | 'request'>> & {
    requestedAt?: string;
    reason?: EvaluationInput['request']['reason'];
  } = {},
): EvaluationInput {
  const { facts, ...others } = rest;
  return input(
    { ...gbPlan, ...orderOverrides },
    {
      requestedAt: day(2),
      usage: { used: 0.5 },
      asOf: day(17),
      ...others,
      facts: { issueReportedAt: day(1), ...facts },
    },
  );
}

describe('policies: seed 001 → proxy-strict', () => {
  it('the base case is a full refund of the cash paid, naming the grounds', () => {
    expectDecision(policy, clean(), {
      outcome: 'full_refund',
      amountMinor: 1000,
      reasons: ['WITHIN_WINDOW_LIGHT_USAGE', 'UNREMEDIATED_WITHIN_DEADLINE'],
      exactReasons: true,
    });
  });

  describe('"This policy applies to purchases made directly from OkkProxy\'s official channels … Purchases made via resellers or non‑official marketplaces are excluded."', () => {
    it('denies a reseller order with NON_OFFICIAL_CHANNEL', () => {
      expectDecision(policy, clean({ channel: 'reseller' }), {
        outcome: 'denied',
        reasons: ['NON_OFFICIAL_CHANNEL'],
        exactReasons: true,
      });
    });
    it('denies a marketplace order with NON_OFFICIAL_CHANNEL', () => {
      expectDecision(policy, clean({ channel: 'marketplace' }), {
        outcome: 'denied',
        reasons: ['NON_OFFICIAL_CHANNEL'],
      });
    });
  });

  it('"Official channel: The order was placed via OkkProxy\'s official site or designated sales links." — the official channel passes', () => {
    expectDecision(policy, clean({ channel: 'official' }), { outcome: 'full_refund' });
  });

  describe('"Payment type: A non‑crypto method (card, PayPal, bank). Crypto payments are non‑refundable unless required by law."', () => {
    it('denies a crypto payment with CRYPTO_PAYMENT', () => {
      expectDecision(policy, clean({ paymentMethod: 'crypto' }), {
        outcome: 'denied',
        reasons: ['CRYPTO_PAYMENT'],
        exactReasons: true,
      });
    });
    for (const paymentMethod of ['card', 'paypal', 'bank_transfer'] as const) {
      it(`refunds a ${paymentMethod} payment`, () => {
        expectDecision(policy, clean({ paymentMethod }), { outcome: 'full_refund' });
      });
    }
  });

  describe('"Request window: Submitted within 7 days from the first purchase of the specific plan."', () => {
    it('the window ends at the end of the 7th day after the purchase date (DESIGN: calendar days in the policy zone)', () => {
      assert.equal(
        requestWindowEndsAt(policy, { purchasedAt: PURCHASED_AT, billing: { kind: 'one_time' } }),
        '2025-03-10T23:59:59.999Z',
      );
    });
    it('a purchase on 3 March 10:00 and a request on 10 March 15:00 is in time (counted in days, not to the minute)', () => {
      expectDecision(
        policy,
        clean({}, { requestedAt: '2025-03-10T15:00:00Z', facts: { incidentConfirmed: true } }),
        { outcome: 'full_refund' },
      );
      expectDecision(
        policy,
        clean(
          {},
          {
            requestedAt: '2025-03-11T00:00:00Z',
            facts: { incidentConfirmed: true, issueReportedAt: undefined },
          },
        ),
        { outcome: 'partial_refund', reasons: ['WINDOW_EXPIRED', 'PRORATA_INCIDENT'] },
      );
    });
    it('a request on the last moment of day 7 is in time', () => {
      expectDecision(policy, clean({}, { requestedAt: day(7), facts: { incidentConfirmed: true } }), {
        outcome: 'full_refund',
      });
    });
    it('a repeat purchase of the plan is denied NOT_FIRST_PURCHASE', () => {
      expectDecision(policy, clean({ firstPurchaseOfPlan: false }), {
        outcome: 'denied',
        reasons: ['NOT_FIRST_PURCHASE'],
        exactReasons: true,
      });
    });
  });

  describe('"Within the first 7 days, the Service was persistently unusable due to non‑user causes and could not be remediated within 15 days after your report"', () => {
    it('the remediation clock runs 15 days from the report', () => {
      // Reported 4 March 10:00 → until the end of 19 March, whatever the hour of the report.
      assert.equal(remediationDeadline(policy, day(1)), '2025-03-19T23:59:59.999Z');
    });
    it('while the clock runs, the request waits: needs_review REMEDIATION_PENDING', () => {
      const decision = expectDecision(policy, clean({}, { asOf: day(10) }), {
        outcome: 'needs_review',
        reasons: ['REMEDIATION_PENDING'],
        exactReasons: true,
      });
      assert.equal(decision.review?.kind, 'remediation');
    });
    it('a request naming the problem is itself the report when none was filed before', () => {
      const request = input(gbPlan, { reason: 'service_unusable', requestedAt: day(3), usage: { used: 0 } });
      expectDecision(policy, request, { outcome: 'needs_review', reasons: ['REMEDIATION_PENDING'] });
      expectDecision(
        policy,
        { ...request, asOf: day(19) },
        { outcome: 'full_refund', reasons: ['UNREMEDIATED_WITHIN_DEADLINE'] },
      );
    });
    it('remediated within 15 days of the report → denied REMEDIATED', () => {
      expectDecision(policy, clean({}, { facts: { remediatedAt: day(10) } }), {
        outcome: 'denied',
        reasons: ['REMEDIATED'],
        exactReasons: true,
      });
    });
    it('remediated only after the 15 days → the ground is met', () => {
      expectDecision(policy, clean({}, { asOf: day(20), facts: { remediatedAt: day(17) } }), {
        outcome: 'full_refund',
        reasons: ['UNREMEDIATED_WITHIN_DEADLINE'],
      });
    });
    it('a fix known only after asOf does not count yet (facts are judged as known at asOf)', () => {
      expectDecision(policy, clean({}, { asOf: day(8), facts: { remediatedAt: day(9) } }), {
        outcome: 'needs_review',
        reasons: ['REMEDIATION_PENDING'],
      });
    });
    it('an issue first reported after the first 7 days does not give the ground', () => {
      expectDecision(
        policy,
        clean({}, { requestedAt: day(9), asOf: day(30), facts: { issueReportedAt: day(8.5) } }),
        { outcome: 'denied', reasons: ['WINDOW_EXPIRED'] },
      );
    });
    it("a review finding the cause on the user's side → denied USER_CAUSED", () => {
      expectDecision(policy, clean({}, { facts: { technicalReview: 'user_caused' } }), {
        outcome: 'denied',
        reasons: ['USER_CAUSED'],
        exactReasons: true,
      });
    });
    it('a review finding provider fault still leaves the provider its 15 days', () => {
      expectDecision(policy, clean({}, { asOf: day(5), facts: { technicalReview: 'provider_fault' } }), {
        outcome: 'needs_review',
        reasons: ['REMEDIATION_PENDING'],
      });
      expectDecision(policy, clean({}, { facts: { technicalReview: 'provider_fault' } }), {
        outcome: 'full_refund',
        reasons: ['UNREMEDIATED_WITHIN_DEADLINE', 'PROVIDER_FAULT'],
      });
    });
    it('a review that finds it remediated → denied REMEDIATED', () => {
      expectDecision(policy, clean({}, { facts: { technicalReview: 'remediated' } }), {
        outcome: 'denied',
        reasons: ['REMEDIATED'],
      });
    });
    it('no problem reported and no incident → the ground is missing: denied SERVICE_RENDERED ("all must be met")', () => {
      expectDecision(
        policy,
        input(gbPlan, { reason: 'changed_mind', requestedAt: day(2), usage: { used: 0 } }),
        {
          outcome: 'denied',
          reasons: ['SERVICE_RENDERED'],
          exactReasons: true,
        },
      );
    });
  });

  it('DESIGN: "An issue reported inside a window carries the request until its remediation clock has run out."', () => {
    const carried = clean({}, { requestedAt: day(12), asOf: day(17), facts: { issueReportedAt: day(1.5) } });
    expectDecision(policy, carried, { outcome: 'full_refund', reasons: ['UNREMEDIATED_WITHIN_DEADLINE'] });
    const tooLate = clean({}, { requestedAt: day(17), asOf: day(17), facts: { issueReportedAt: day(1.5) } });
    expectDecision(policy, tooLate, { outcome: 'denied', reasons: ['WINDOW_EXPIRED'] });
  });

  it('"OkkProxy confirmed a widely impacting system incident." — inside the window the refund is immediate and full', () => {
    const request = input(gbPlan, {
      reason: 'changed_mind',
      requestedAt: day(3),
      usage: { used: 0.2 },
      facts: { incidentConfirmed: true },
    });
    expectDecision(policy, request, {
      outcome: 'full_refund',
      amountMinor: 1000,
      reasons: ['WITHIN_WINDOW_LIGHT_USAGE', 'INCIDENT_CONFIRMED'],
      exactReasons: true,
    });
  });

  describe('"Note: The usage cap distinguishes light testing from substantive usage; exceeding either cap disqualifies a refund."', () => {
    it('over the share cap (20 % of the quota, over 10 %) → USAGE_CAP_EXCEEDED', () => {
      expectDecision(
        policy,
        clean({ quota: { unit: 'requests', included: 1000 } }, { usage: { used: 200 } }),
        {
          outcome: 'denied',
          reasons: ['USAGE_CAP_EXCEEDED'],
          exactReasons: true,
        },
      );
    });
    it('over the absolute cap only (1.5 GB of a 100 GB plan: 1.5 % but over 1 GB) → USAGE_CAP_EXCEEDED', () => {
      expectDecision(policy, clean({ quota: { unit: 'gb', included: 100 } }, { usage: { used: 1.5 } }), {
        outcome: 'denied',
        reasons: ['USAGE_CAP_EXCEEDED'],
      });
    });
    it('exactly at both caps (1 GB of 10 GB) is still light testing', () => {
      expectDecision(policy, clean({}, { usage: { used: 1 } }), { outcome: 'full_refund' });
    });
  });

  describe('"3. Non‑Refundable Cases"', () => {
    it('"Requests submitted after 7 days;" → WINDOW_EXPIRED', () => {
      expectDecision(
        policy,
        input(gbPlan, { reason: 'service_unusable', requestedAt: day(8), usage: { used: 0 } }),
        { outcome: 'denied', reasons: ['WINDOW_EXPIRED'] },
      );
    });
    it('"Crypto payments;" → CRYPTO_PAYMENT, with every other reason that applied', () => {
      const decision = evaluate(
        policy,
        clean({ paymentMethod: 'crypto', channel: 'reseller' }, { requestedAt: day(30) }),
      );
      assert.equal(decision.outcome, 'denied');
      for (const code of ['CRYPTO_PAYMENT', 'NON_OFFICIAL_CHANNEL', 'WINDOW_EXPIRED'] as const)
        assert.ok(decision.reasons.includes(code), code);
    });
    it('"Purchases from non‑official channels;" → NON_OFFICIAL_CHANNEL', () => {
      expectDecision(policy, clean({ channel: 'marketplace' }), {
        outcome: 'denied',
        reasons: ['NON_OFFICIAL_CHANNEL'],
      });
    });
    it('"Failures caused by target‑site anti‑bot measures …" → THIRD_PARTY_CAUSE', () => {
      expectDecision(policy, clean({}, { reason: 'target_site_blocking' }), {
        outcome: 'denied',
        reasons: ['THIRD_PARTY_CAUSE'],
      });
    });
    it('"… or third‑party tools beyond OkkProxy\'s control (captcha solvers, fingerprint browsers, etc.);" → THIRD_PARTY_CAUSE', () => {
      expectDecision(policy, clean({}, { reason: 'third_party_tool' }), {
        outcome: 'denied',
        reasons: ['THIRD_PARTY_CAUSE'],
      });
      expectDecision(policy, clean({}, { facts: { technicalReview: 'third_party' } }), {
        outcome: 'denied',
        reasons: ['THIRD_PARTY_CAUSE'],
        exactReasons: true,
      });
    });
    it('"Breaches of the Terms of Service or illegal/prohibited uses;" → TERMS_VIOLATION', () => {
      expectDecision(policy, clean({}, { facts: { termsViolation: true } }), {
        outcome: 'denied',
        reasons: ['TERMS_VIOLATION'],
        exactReasons: true,
      });
    });
    it('"Abusive/anomalous behavior (stress testing, repeated buy‑and‑refund, etc.);" → ABUSE_SUSPECTED', () => {
      expectDecision(policy, clean({}, { facts: { abuseSuspected: true } }), {
        outcome: 'denied',
        reasons: ['ABUSE_SUSPECTED'],
      });
      expectDecision(policy, clean({}, { facts: { refundsInLast90Days: 2 } }), {
        outcome: 'denied',
        reasons: ['ABUSE_SUSPECTED'],
      });
      expectDecision(policy, clean({}, { facts: { refundsInLast90Days: 1 } }), { outcome: 'full_refund' });
    });
    it('"Consumed promotional benefits (trial credits, bonuses) cannot be returned;" → only the cash is refunded, PROMO_CREDIT_EXCLUDED', () => {
      expectDecision(policy, clean({ promoCreditMinor: 250 }), {
        outcome: 'full_refund',
        amountMinor: 750,
        reasons: ['PROMO_CREDIT_EXCLUDED'],
      });
    });
    it('"Active chargebacks/disputes not withdrawn;" → ACTIVE_CHARGEBACK, and a withdrawn one no longer blocks', () => {
      expectDecision(policy, clean({}, { facts: { chargebackActive: true } }), {
        outcome: 'denied',
        reasons: ['ACTIVE_CHARGEBACK'],
        exactReasons: true,
      });
      expectDecision(policy, clean({}, { facts: { chargebackActive: false } }), { outcome: 'full_refund' });
    });
    it('"Other cases excluded by applicable law or contract." — reading: a billing error goes to support\'s review, bounded by the amount charged in error', () => {
      const request = input(gbPlan, { reason: 'billing_error', requestedAt: day(40) });
      const decision = expectDecision(policy, request, {
        outcome: 'needs_review',
        reasons: ['BILLING_ERROR', 'DISCRETIONARY_REVIEW'],
        exactReasons: true,
      });
      assert.equal(decision.review?.kind, 'billing');
      // Until the amount charged in error is established, nothing can be paid on this route.
      assert.deepEqual(decision.review?.allowed, [{ outcome: 'denied', maxAmountMinor: 0 }]);
      assert.match(
        checkReviewerChoice(policy, request, 'review', { outcome: 'full_refund' }) ?? '',
        /not allowed.*billingErrorMinor/,
      );
      // 3.00 charged twice: at most 3.00 back, past the window, the caps and the ground.
      const overcharge = { ...request, facts: { billingErrorMinor: 300 } };
      assert.equal(
        checkReviewerChoice(policy, overcharge, 'review', { outcome: 'partial_refund', amountMinor: 300 }),
        undefined,
      );
      assert.match(
        checkReviewerChoice(policy, overcharge, 'review', { outcome: 'partial_refund', amountMinor: 301 }) ??
          '',
        /amountMinor: at most 300/,
      );
      assert.match(
        checkReviewerChoice(policy, overcharge, 'review', { outcome: 'full_refund' }) ?? '',
        /not allowed/,
      );
      // A whole charge made in error (a duplicate order) is refunded whole.
      const duplicate = { ...request, facts: { billingErrorMinor: 1000 } };
      assert.equal(checkReviewerChoice(policy, duplicate, 'review', { outcome: 'full_refund' }), undefined);
    });
  });

  describe('"4. How to Request a Refund"', () => {
    it('"Submit: … with your order ID, payment method, issue description, logs/screenshots, and network context." — the materials support waits for', () => {
      for (const item of [
        'order_id',
        'payment_method',
        'issue_description',
        'logs_or_screenshots',
        'network_context',
      ])
        assert.ok(policy.materials.includes(item), item);
    });
    it('"Technical review: We may ask for details to reproduce the issue." — a review is optional: the ground is met without one', () => {
      expectDecision(policy, clean({}, { facts: {} }), { outcome: 'full_refund' });
    });
    it('"Decision: We typically respond within 3–7 business days after receiving complete materials" — target 3, deadline 7 business days', () => {
      const fridayEvening = '2025-03-07T19:00:00Z';
      // The target (day 3) is a deadline of its own: when it passes undecided the customer is told.
      assert.equal(
        decisionTarget(pinHolidays(policy, PURCHASED_AT), fridayEvening),
        '2025-03-12T23:59:59.999Z',
      );
      assert.equal(
        decisionDeadline(pinHolidays(policy, PURCHASED_AT), fridayEvening),
        '2025-03-18T23:59:59.999Z',
      );
      assert.equal(policy.decision.onDeadline, 'escalate');
    });
    it('"Payout: … posting time depends on your payment provider." — reading: 14 days after approval, then escalate', () => {
      assert.equal(
        payoutDeadline(policy, { requestedAt: day(2), approvedAt: day(17) }),
        '2025-04-03T23:59:59.999Z',
      );
      assert.equal(policy.payout.onLimit, 'escalate');
    });
  });

  describe('"Pro‑rata options: For confirmed system incidents beyond the 7‑day window with some usage, we may offer pro‑rated refunds or service extensions (not applicable to crypto payments)."', () => {
    const beyond = (orderOverrides: Partial<OrderInput>, used?: number) =>
      input(
        { ...gbPlan, ...orderOverrides },
        {
          reason: 'service_unusable',
          requestedAt: day(20),
          ...(used === undefined ? {} : { usage: { used } }),
          facts: { incidentConfirmed: true },
        },
      );

    it('beyond the window, 3 of 10 GB used → 70 % back: partial_refund 700, PRORATA_INCIDENT', () => {
      expectDecision(policy, beyond({}, 3), {
        outcome: 'partial_refund',
        amountMinor: 700,
        reasons: ['INCIDENT_CONFIRMED', 'PRORATA_INCIDENT', 'WINDOW_EXPIRED'],
      });
    });
    it('inside the window but over the usage caps, the same pro-rata remedy applies', () => {
      const request = input(gbPlan, {
        reason: 'service_unusable',
        requestedAt: day(3),
        usage: { used: 6 },
        facts: { incidentConfirmed: true },
      });
      expectDecision(policy, request, {
        outcome: 'partial_refund',
        amountMinor: 400,
        reasons: ['PRORATA_INCIDENT', 'USAGE_CAP_EXCEEDED'],
      });
    });
    it('"(not applicable to crypto payments)" → denied CRYPTO_PAYMENT', () => {
      expectDecision(policy, beyond({ paymentMethod: 'crypto' }, 3), {
        outcome: 'denied',
        reasons: ['CRYPTO_PAYMENT'],
      });
    });
    it('a subscription without a quota is pro-rated by the time left in its period', () => {
      const subscription = { kind: 'subscription' as const, periodStart: PURCHASED_AT, periodEnd: day(40) };
      expectDecision(policy, beyond({ quota: undefined, billing: subscription }), {
        outcome: 'partial_refund',
        amountMinor: 500,
        reasons: ['PRORATA_INCIDENT'],
      });
    });
    it('nothing used ("with some usage" does not hold): a service extension of the configured days, never the whole price', () => {
      const decision = expectDecision(policy, beyond({}, 0), {
        outcome: 'service_extension',
        amountMinor: 0,
        reasons: ['PRORATA_INCIDENT', 'WINDOW_EXPIRED'],
      });
      assert.equal(decision.extensionDays, 7);
    });
  });
  describe('"Submitted within 7 days from the first purchase of the specific plan." — the window anchors at order.firstPurchaseAt', () => {
    it('first purchase on day 0, a repeat order on day 2, a request on day 3: in time, refunded (not NOT_FIRST_PURCHASE)', () => {
      const repeat = clean(
        { purchasedAt: day(2), firstPurchaseAt: PURCHASED_AT },
        { requestedAt: day(3), asOf: day(3), facts: { incidentConfirmed: true, issueReportedAt: undefined } },
      );
      expectDecision(policy, repeat, { outcome: 'full_refund', amountMinor: 1000 });
      assert.equal(requestWindowEndsAt(policy, repeat.order), '2025-03-10T23:59:59.999Z');
    });
    it('a repeat order 10 days after the first purchase is outside the window counted from it: WINDOW_EXPIRED', () => {
      const repeat = clean(
        { purchasedAt: day(10), firstPurchaseAt: PURCHASED_AT },
        { requestedAt: day(11), asOf: day(11), facts: { issueReportedAt: undefined } },
      );
      expectDecision(policy, repeat, { outcome: 'denied', reasons: ['WINDOW_EXPIRED'] });
    });
    it('the flag stays a shorthand: firstPurchaseOfPlan false with no date → NOT_FIRST_PURCHASE', () => {
      expectDecision(policy, clean({ firstPurchaseOfPlan: false }), {
        outcome: 'denied',
        reasons: ['NOT_FIRST_PURCHASE'],
        exactReasons: true,
      });
    });
  });

  describe('incidents beyond the window: never more than the unused share, never the whole price', () => {
    const incident = (orderOverrides: Partial<OrderInput>, requestedAt: string, usage?: { used: number }) =>
      input(
        { ...gbPlan, ...orderOverrides },
        {
          reason: 'service_unusable',
          requestedAt,
          ...(usage ? { usage } : {}),
          facts: { incidentConfirmed: true },
        },
      );
    it('a confirmed incident on day 60 with zero usage → a service extension, not a full refund', () => {
      const decision = expectDecision(policy, incident({}, day(60), { used: 0 }), {
        outcome: 'service_extension',
        amountMinor: 0,
        reasons: ['INCIDENT_CONFIRMED', 'PRORATA_INCIDENT', 'WINDOW_EXPIRED'],
      });
      assert.equal(decision.extensionDays, 7);
    });
    it('a confirmed incident on day 60 with unknown usage → needs_review USAGE_UNKNOWN; a person may give at most a partial refund or the extension', () => {
      const request = incident({}, day(60));
      const decision = expectDecision(policy, request, {
        outcome: 'needs_review',
        reasons: ['INCIDENT_CONFIRMED', 'PRORATA_INCIDENT', 'WINDOW_EXPIRED', 'USAGE_UNKNOWN'],
      });
      assert.equal(decision.review?.kind, 'usage');
      assert.deepEqual(
        decision.review?.allowed.map((a) => [a.outcome, a.maxAmountMinor]),
        [
          ['partial_refund', 999],
          ['service_extension', 0],
          ['denied', 0],
        ],
      );
      assert.match(
        checkReviewerChoice(policy, request, 'review', { outcome: 'full_refund' }) ?? '',
        /not allowed/,
      );
      assert.equal(
        checkReviewerChoice(policy, request, 'review', { outcome: 'service_extension', extensionDays: 7 }),
        undefined,
      );
      assert.match(
        checkReviewerChoice(policy, request, 'review', { outcome: 'service_extension', extensionDays: 30 }) ??
          '',
        /extensionDays: at most 7/,
      );
    });
    it('a repeat purchase with an incident and zero usage → a service extension, not a full refund', () => {
      expectDecision(policy, incident({ firstPurchaseOfPlan: false }, day(3), { used: 0 }), {
        outcome: 'service_extension',
        reasons: ['NOT_FIRST_PURCHASE', 'PRORATA_INCIDENT'],
      });
    });
    it('a subscription: the smaller of the remaining quota and the remaining paid time (day 60 of 90, nothing used → a third)', () => {
      const quarter = { kind: 'subscription' as const, periodStart: PURCHASED_AT, periodEnd: day(90) };
      expectDecision(policy, incident({ billing: quarter, amountMinor: 900 }, day(60), { used: 0 }), {
        outcome: 'partial_refund',
        amountMinor: 300,
        reasons: ['PRORATA_INCIDENT', 'UNUSED_SUBSCRIPTION_PORTION'],
      });
    });
  });

  describe('unknown usage is never counted as zero (DESIGN: "Money never moves on unknown facts")', () => {
    it('the ground is met but billing has no usage figure for a quota plan → needs_review USAGE_UNKNOWN, at most the cash', () => {
      const request = clean({}, { usage: undefined });
      const decision = expectDecision(policy, request, {
        outcome: 'needs_review',
        reasons: ['UNREMEDIATED_WITHIN_DEADLINE', 'USAGE_UNKNOWN'],
        exactReasons: true,
      });
      assert.equal(decision.amountMinor, 0);
      assert.deepEqual(decision.review?.allowed, [
        { outcome: 'full_refund', maxAmountMinor: 1000 },
        { outcome: 'denied', maxAmountMinor: 0 },
      ]);
      // Once billing knows the usage, the case decides by itself.
      expectDecision(policy, { ...request, usage: { used: 0.5 } }, { outcome: 'full_refund' });
    });
    it('an "Unlimited" plan (no quota) is judged by the absolute cap of its usage unit', () => {
      expectDecision(policy, clean({ quota: undefined }, { usage: { used: 0.5, unit: 'gb' } }), {
        outcome: 'full_refund',
      });
      expectDecision(policy, clean({ quota: undefined }, { usage: { used: 2, unit: 'gb' } }), {
        outcome: 'denied',
        reasons: ['USAGE_CAP_EXCEEDED'],
        exactReasons: true,
      });
    });
    it('an "Unlimited" plan with no usage figure, or one no cap can judge, goes to a person: USAGE_UNKNOWN', () => {
      for (const usage of [undefined, { used: 3 }, { used: 3, unit: 'ports' }])
        expectDecision(policy, clean({ quota: undefined }, { usage }), {
          outcome: 'needs_review',
          reasons: ['USAGE_UNKNOWN'],
        });
    });
    it('a cap already exceeded or the window closed is decided without the figure: no review is needed to deny', () => {
      expectDecision(policy, clean({}, { requestedAt: day(20), asOf: day(20), usage: undefined }), {
        outcome: 'denied',
        reasons: ['WINDOW_EXPIRED'],
      });
    });
  });

  describe("DESIGN: a reviewer's bounds are the policy's, on every route", () => {
    it('an escalated case the policy refunds in full: at most the full refund, or less', () => {
      const bounds = reviewerBounds(policy, clean(), 'escalation');
      assert.equal(bounds.kind, 'policy_outcome');
      assert.equal(checkReviewerChoice(policy, clean(), 'escalation', { outcome: 'full_refund' }), undefined);
      assert.match(
        checkReviewerChoice(policy, clean(), 'escalation', { outcome: 'full_refund', amountMinor: 1200 }) ??
          '',
        /amountMinor: at most 1000/,
      );
    });
    it('while the remediation clock runs, no money can be decided (the case decides again when it runs out)', () => {
      const pending = clean({}, { asOf: day(5) });
      assert.match(
        checkReviewerChoice(policy, pending, 'escalation', { outcome: 'full_refund' }) ?? '',
        /not allowed here \(remediation; allowed: denied\)/,
      );
    });
    it('a disputed denial goes to a person (DISPUTE_REVIEW) who may only uphold it: the policy grants no exceptions', () => {
      const late = clean({}, { requestedAt: day(20), asOf: day(20), facts: { disputedAt: day(21) } });
      const decision = expectDecision(policy, late, {
        outcome: 'needs_review',
        reasons: ['WINDOW_EXPIRED', 'DISPUTE_REVIEW'],
      });
      assert.equal(decision.review?.kind, 'dispute');
      assert.match(
        checkReviewerChoice(policy, late, 'dispute', { outcome: 'partial_refund', amountMinor: 1 }) ?? '',
        /not allowed/,
      );
      assert.equal(checkReviewerChoice(policy, late, 'dispute', { outcome: 'denied' }), undefined);
    });
  });
});

// Conformance of preset `services-fix-first` to seed 002_a0694d5709d2af18.txt: each sentence that
// states a rule, quoted, with the cases that hold the preset to it.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  cancellationEffectiveAt,
  checkReviewerChoice,
  decisionDeadline,
  getPreset,
  presets,
  requestWindowEndsAt,
  type OrderInput,
  type ReviewerChoice,
} from '../../policies';
import { pinHolidays } from '../../policies/holidays';
import { PURCHASED_AT, day, expectDecision, input } from './fixtures';

const policy = presets['services-fix-first'];
const SERVICE_DATE = day(2); // the service is delivered two days after the purchase
const service: Partial<OrderInput> = { serviceDate: SERVICE_DATE };
const subscription = { kind: 'subscription' as const, periodStart: PURCHASED_AT, periodEnd: day(30) };

describe('policies: seed 002 → services-fix-first', () => {
  describe('"Our services, including technical support, software updates, and other online offerings, are non-refundable once they have been rendered or completed."', () => {
    it("a request without a problem of the provider's after the service is denied SERVICE_RENDERED", () => {
      expectDecision(policy, input(service, { reason: 'cancel_subscription', requestedAt: day(3) }), {
        outcome: 'denied',
        reasons: ['SERVICE_RENDERED'],
        exactReasons: true,
      });
    });
  });

  describe('"please contact us within 7 days of the service date, and we will review your case and strive to resolve any issues promptly."', () => {
    it('the window counts from the service date, not the purchase', () => {
      assert.equal(
        requestWindowEndsAt(policy, { ...input(service).order }),
        '2025-03-12T23:59:59.999Z', // service on 5 March: to the end of 12 March
      );
    });
    it('service date 2025-03-05, contact on 12 March at 09:00 → in time (days, not minutes): the provider fixes first', () => {
      const request = input(
        { serviceDate: '2025-03-05' },
        { reason: 'dissatisfied', requestedAt: '2025-03-12T09:00:00Z' },
      );
      expectDecision(policy, request, { outcome: 'needs_review', reasons: ['REMEDIATION_PENDING'] });
    });
    it('a problem raised on the 8th day after the service date (13 March, 00:00) is too late: WINDOW_EXPIRED', () => {
      expectDecision(
        policy,
        input(service, { reason: 'dissatisfied', requestedAt: '2025-03-13T00:00:00Z' }),
        {
          outcome: 'denied',
          reasons: ['WINDOW_EXPIRED'],
          exactReasons: true,
        },
      );
    });
    it('"promptly" — reading: the provider has 7 days from the report to fix it, so the case waits (REMEDIATION_PENDING)', () => {
      expectDecision(
        policy,
        input(service, { reason: 'dissatisfied', requestedAt: day(4), asOf: day(10.9) }),
        {
          outcome: 'needs_review',
          reasons: ['REMEDIATION_PENDING'],
          exactReasons: true,
        },
      );
    });
  });

  describe('"If you are dissatisfied with the service due to a mistake or technical issue on our part, we will work to fix the issue."', () => {
    it('fixed within the remediation time → denied REMEDIATED', () => {
      expectDecision(
        policy,
        input(service, {
          reason: 'service_unusable',
          requestedAt: day(4),
          asOf: day(12),
          facts: { remediatedAt: day(6) },
        }),
        {
          outcome: 'denied',
          reasons: ['REMEDIATED'],
          exactReasons: true,
        },
      );
    });
  });

  describe('"If we are unable to resolve the problem, we may offer a partial refund or credit for future services at our discretion."', () => {
    const unresolved = input(service, { reason: 'provider_fault', requestedAt: day(4), asOf: day(12) });

    it('an unresolved problem goes to support: needs_review DISCRETIONARY_REVIEW, never an automatic refund', () => {
      const decision = expectDecision(policy, unresolved, {
        outcome: 'needs_review',
        amountMinor: 0,
        reasons: ['UNREMEDIATED_WITHIN_DEADLINE', 'DISCRETIONARY_REVIEW'],
        exactReasons: true,
      });
      assert.equal(decision.review?.kind, 'discretionary');
    });
    it('reading: "partial" is at most half the cash paid; credit up to the price; no full refund', () => {
      const check = (choice: ReviewerChoice) => checkReviewerChoice(policy, unresolved, 'review', choice);
      assert.equal(check({ outcome: 'partial_refund', amountMinor: 500 }), undefined);
      assert.equal(check({ outcome: 'credit', amountMinor: 1000 }), undefined);
      assert.equal(check({ outcome: 'denied' }), undefined);
      assert.match(check({ outcome: 'partial_refund', amountMinor: 501 }) ?? '', /at most 500/);
      assert.match(check({ outcome: 'full_refund', amountMinor: 1000 }) ?? '', /not allowed/);
    });
    it('the same bounds on every route: an escalated case, or one whose pending decision carries no bounds, still caps a partial refund at 50 %', () => {
      // Issue: a 60 % partial refund was accepted and paid on an escalated case.
      assert.match(
        checkReviewerChoice(policy, unresolved, 'escalation', {
          outcome: 'partial_refund',
          amountMinor: 600,
        }) ?? '',
        /amountMinor: at most 500/,
      );
      assert.match(
        checkReviewerChoice(policy, unresolved, 'escalation', { outcome: 'full_refund' }) ?? '',
        /not allowed/,
      );
      // While the provider still has time to fix it, no money at all.
      const fixing = { ...unresolved, asOf: day(5) };
      assert.match(
        checkReviewerChoice(policy, fixing, 'escalation', { outcome: 'partial_refund', amountMinor: 100 }) ??
          '',
        /not allowed here \(remediation/,
      );
    });
    it('a reviewer\'s "unresolved" after the fix time settles the ground the same way', () => {
      expectDecision(
        policy,
        { ...unresolved, facts: { technicalReview: 'unresolved' } },
        { outcome: 'needs_review', reasons: ['DISCRETIONARY_REVIEW'] },
      );
    });
  });

  describe('"Refunds will not be granted for any dissatisfaction arising from user error, changes in requirements, or service usage after it has been completed."', () => {
    it('user error → USER_CAUSED', () => {
      expectDecision(policy, input(service, { reason: 'user_error', requestedAt: day(3) }), {
        outcome: 'denied',
        reasons: ['USER_CAUSED'],
      });
    });
    it('changes in requirements → USER_CAUSED', () => {
      expectDecision(policy, input(service, { reason: 'changed_mind', requestedAt: day(3) }), {
        outcome: 'denied',
        reasons: ['USER_CAUSED'],
      });
    });
    it('a review finding the cause with the user → USER_CAUSED', () => {
      expectDecision(
        policy,
        input(service, {
          reason: 'dissatisfied',
          requestedAt: day(3),
          facts: { technicalReview: 'user_caused' },
        }),
        {
          outcome: 'denied',
          reasons: ['USER_CAUSED'],
          exactReasons: true,
        },
      );
    });
    it('usage after the service period was completed → SERVICE_RENDERED', () => {
      expectDecision(
        policy,
        input({ billing: subscription }, { reason: 'dissatisfied', requestedAt: day(31) }),
        { outcome: 'denied', reasons: ['SERVICE_RENDERED'] },
      );
    });
  });

  describe('"you may cancel your subscription at any time. Cancellations must be made before the next billing cycle to avoid being charged for the next period."', () => {
    it('a cancellation takes effect at the end of the current billing period', () => {
      assert.equal(
        cancellationEffectiveAt(policy, { billing: subscription }, day(10)),
        new Date(Date.parse(day(30))).toISOString(),
      );
      assert.equal(policy.subscription.cancelAtPeriodEnd, true);
    });
  });

  it('"Refunds for unused portions of subscriptions are generally not available." → UNUSED_SUBSCRIPTION_PORTION', () => {
    expectDecision(
      policy,
      input({ billing: subscription }, { reason: 'cancel_subscription', requestedAt: day(3) }),
      {
        outcome: 'denied',
        reasons: ['UNUSED_SUBSCRIPTION_PORTION'],
      },
    );
  });

  describe('"However, if there has been an error in billing or an issue with the service, please contact us and we will review the case."', () => {
    it('a billing error → needs_review BILLING_ERROR', () => {
      expectDecision(
        policy,
        input({ billing: subscription }, { reason: 'billing_error', requestedAt: day(3) }),
        {
          outcome: 'needs_review',
          reasons: ['BILLING_ERROR', 'DISCRETIONARY_REVIEW'],
          exactReasons: true,
        },
      );
    });
    it('an issue with a subscription service → the fix-first review', () => {
      expectDecision(
        policy,
        input({ billing: subscription }, { reason: 'service_unusable', requestedAt: day(3) }),
        { outcome: 'needs_review', reasons: ['REMEDIATION_PENDING'] },
      );
    });
  });

  it('"If a subscription is canceled, you will continue to have access to services until the end of the current billing cycle."', () => {
    assert.equal(policy.subscription.accessUntilPeriodEnd, true);
    assert.equal(
      cancellationEffectiveAt(policy, { billing: subscription }, day(1)),
      new Date(Date.parse(subscription.periodEnd)).toISOString(),
    );
  });

  describe('"All purchases for online services (such as software updates, technical support, etc.) are non-refundable once the service has been initiated."', () => {
    it('reading: before the service date nothing was initiated, so the refund is full', () => {
      for (const reason of ['changed_mind', 'dissatisfied'] as const)
        expectDecision(policy, input(service, { reason, requestedAt: day(1) }), {
          outcome: 'full_refund',
          amountMinor: 1000,
          reasons: ['WITHIN_WINDOW_LIGHT_USAGE'],
        });
      expectDecision(
        policy,
        input(service, { reason: 'changed_mind', requestedAt: day(1), facts: { chargebackActive: true } }),
        { outcome: 'denied', reasons: ['ACTIVE_CHARGEBACK'] },
      );
    });
    it('once initiated, a request without a provider problem is denied', () => {
      expectDecision(policy, input(service, { reason: 'early_termination', requestedAt: day(3) }), {
        outcome: 'denied',
        reasons: ['PERSONAL_EARLY_TERMINATION'],
      });
    });
  });

  it('"Contact Us: Reach out to our customer support team by email or phone within 7 days of receiving the service." — exactly 7 days is in time', () => {
    expectDecision(policy, input(service, { reason: 'dissatisfied', requestedAt: day(7, SERVICE_DATE) }), {
      outcome: 'needs_review',
    });
  });

  it('"Provide Documentation: If applicable, provide screenshots, emails, or any other documentation" — the materials list', () => {
    assert.ok(policy.materials.includes('documentation_if_applicable'));
    assert.ok(policy.materials.includes('issue_description'));
  });

  it('"Review Process: Our team will review your request" — reading: decided within 5 business days, then escalated', () => {
    assert.equal(
      decisionDeadline(pinHolidays(policy, PURCHASED_AT), '2025-03-07T18:00:00Z'),
      '2025-03-14T23:59:59.999Z',
    );
    assert.equal(policy.decision.onDeadline, 'escalate');
  });

  describe('"5. Exceptions — In certain situations, we may offer a refund or credit outside the general terms mentioned above, at our discretion. These exceptions will be reviewed on a case-by-case basis."', () => {
    it('reading: only by a person, never automatically', () => {
      assert.equal(policy.discretion?.exceptionsOutsideTerms, true);
      expectDecision(policy, input(service, { reason: 'changed_mind', requestedAt: day(3) }), {
        outcome: 'denied',
      });
    });
    it('a disputed denial goes to a person, who may grant an exception within the discretion caps (no full refund), or uphold it', () => {
      const disputed = input(service, {
        reason: 'changed_mind',
        requestedAt: day(3),
        facts: { disputedAt: day(5) },
      });
      const decision = expectDecision(policy, disputed, {
        outcome: 'needs_review',
        reasons: ['USER_CAUSED', 'SERVICE_RENDERED', 'DISPUTE_REVIEW'],
        exactReasons: true,
      });
      assert.equal(decision.review?.kind, 'dispute');
      const check = (choice: ReviewerChoice) => checkReviewerChoice(policy, disputed, 'dispute', choice);
      assert.equal(check({ outcome: 'denied' }), undefined);
      assert.equal(check({ outcome: 'partial_refund', amountMinor: 500 }), undefined);
      assert.equal(check({ outcome: 'credit', amountMinor: 1000 }), undefined);
      assert.match(check({ outcome: 'partial_refund', amountMinor: 501 }) ?? '', /at most 500/);
      assert.match(check({ outcome: 'full_refund' }) ?? '', /not allowed/);
      // The same bounds whatever the case holds: the dispute route derives them from the policy.
      assert.match(
        checkReviewerChoice(
          policy,
          input(service, { reason: 'changed_mind', requestedAt: day(3) }),
          'dispute',
          {
            outcome: 'partial_refund',
            amountMinor: 600,
          },
        ) ?? '',
        /at most 500/,
      );
    });
    it('no exception while a chargeback reverses the payment (it would pay twice)', () => {
      const disputed = input(service, {
        reason: 'changed_mind',
        requestedAt: day(3),
        facts: { disputedAt: day(5), chargebackActive: true },
      });
      assert.match(
        checkReviewerChoice(policy, disputed, 'dispute', { outcome: 'credit', amountMinor: 100 }) ?? '',
        /not allowed/,
      );
    });
  });

  it('"the new terms will apply to all services provided after the update." — presets are versioned and copied, so a case keeps its terms', () => {
    const pinned = getPreset('services-fix-first');
    assert.ok(pinned);
    pinned.window.days = 99;
    assert.equal(presets['services-fix-first'].window.days, 7);
    assert.equal(policy.version, 1);
  });
});

// Conformance of preset `all-sales-final` to seed 000_fe67371f454584f9.txt: each sentence that
// states a rule, quoted, with the cases that hold the preset to it.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  REQUEST_REASONS,
  checkReviewerChoice,
  disputeInTime,
  disputeWindowEndsAt,
  evaluate,
  getPreset,
  presets,
  requestWindowEndsAt,
} from '../../policies';
import { PURCHASED_AT, day, expectDecision, input } from './fixtures';

const policy = presets['all-sales-final'];

describe('policies: seed 000 → all-sales-final', () => {
  describe('"Once the payment process has been completed, we will not support refunds for any paid services that are not product features. All payments are final."', () => {
    for (const reason of REQUEST_REASONS) {
      it(`denies a "${reason}" request with ALL_SALES_FINAL and pays nothing`, () => {
        const decision = expectDecision(policy, input({}, { reason, requestedAt: day(0.5) }), {
          outcome: 'denied',
          reasons: ['ALL_SALES_FINAL'],
          amountMinor: 0,
        });
        assert.equal(decision.reasons[0], 'ALL_SALES_FINAL', 'the final-sale rule is named first');
      });
    }

    it('denies even a confirmed provider fault and a confirmed incident', () => {
      expectDecision(
        policy,
        input(
          {},
          { reason: 'provider_fault', facts: { technicalReview: 'provider_fault', incidentConfirmed: true } },
        ),
        {
          outcome: 'denied',
          reasons: ['ALL_SALES_FINAL'],
          exactReasons: true,
        },
      );
    });
  });

  it('"It is your responsibility as the customer to be aware of this when purchasing any service" — the case is final from the purchase', () => {
    assert.equal(policy.allSalesFinal, true);
    assert.equal(
      requestWindowEndsAt(policy, { purchasedAt: PURCHASED_AT, billing: { kind: 'one_time' } }),
      '2025-03-03T23:59:59.999Z', // a 0-day window: the end of the purchase's own day
    );
  });

  describe('"Any disputes arising out of the use of the system should be emailed … Resolve any issues … related to refunds, cancellations or chargebacks by customer support."', () => {
    it('a denial can be disputed for 30 days; a dispute puts the case before a person (DISPUTE_REVIEW)', () => {
      assert.equal(disputeWindowEndsAt(policy, day(1)), '2025-04-03T23:59:59.999Z');
      assert.equal(disputeInTime(policy, day(1), '2025-04-03T23:00:00Z'), true);
      assert.equal(disputeInTime(policy, day(1), '2025-04-04T00:00:00Z'), false);
      const disputed = input({}, { reason: 'dissatisfied', facts: { disputedAt: day(2) } });
      const decision = expectDecision(policy, disputed, {
        outcome: 'needs_review',
        reasons: ['ALL_SALES_FINAL', 'SERVICE_RENDERED', 'DISPUTE_REVIEW'],
        exactReasons: true,
      });
      assert.equal(decision.review?.kind, 'dispute');
    });
    it('"All payments are final": support may uphold the denial, never refund a paid service', () => {
      const disputed = input({}, { reason: 'dissatisfied', facts: { disputedAt: day(2) } });
      assert.equal(checkReviewerChoice(policy, disputed, 'dispute', { outcome: 'denied' }), undefined);
      assert.match(
        checkReviewerChoice(policy, disputed, 'dispute', { outcome: 'full_refund' }) ?? '',
        /not allowed/,
      );
      assert.match(
        checkReviewerChoice(policy, disputed, 'dispute', { outcome: 'partial_refund', amountMinor: 100 }) ??
          '',
        /not allowed/,
      );
    });
    it('a charge made in error is not a "paid service": support corrects it up to the amount charged in error', () => {
      const overcharged = input(
        {},
        { reason: 'billing_error', facts: { disputedAt: day(2), billingErrorMinor: 250 } },
      );
      assert.equal(
        checkReviewerChoice(policy, overcharged, 'dispute', { outcome: 'partial_refund', amountMinor: 250 }),
        undefined,
      );
      assert.match(
        checkReviewerChoice(policy, overcharged, 'dispute', {
          outcome: 'partial_refund',
          amountMinor: 251,
        }) ?? '',
        /at most 250/,
      );
    });
  });

  it('"The data provided by the customer during the registration process is incomplete or inconsistent." — user error is named too', () => {
    expectDecision(policy, input({}, { reason: 'user_error' }), {
      outcome: 'denied',
      reasons: ['ALL_SALES_FINAL', 'USER_CAUSED'],
      exactReasons: true,
    });
  });

  it('"The customer account is blocked or suspended due to the customer\'s illegal activity." — TERMS_VIOLATION is named', () => {
    expectDecision(policy, input({}, { reason: 'service_unusable', facts: { termsViolation: true } }), {
      outcome: 'denied',
      reasons: ['ALL_SALES_FINAL', 'TERMS_VIOLATION'],
      exactReasons: true,
    });
  });

  it('"Violation of Customer\'s obligations regarding the acceptable use of the System or Service" — TERMS_VIOLATION with any reason', () => {
    expectDecision(policy, input({}, { reason: 'changed_mind', facts: { termsViolation: true } }), {
      outcome: 'denied',
      reasons: ['TERMS_VIOLATION'],
    });
  });

  it('"The quality of service provided complies with the conditions specified in the service level agreement." — dissatisfaction is SERVICE_RENDERED', () => {
    expectDecision(policy, input({}, { reason: 'dissatisfied' }), {
      outcome: 'denied',
      reasons: ['ALL_SALES_FINAL', 'SERVICE_RENDERED'],
      exactReasons: true,
    });
  });

  it('"The usage time limit of the purchased IP has expired." — a request after the paid period is SERVICE_RENDERED', () => {
    const subscription = { kind: 'subscription' as const, periodStart: PURCHASED_AT, periodEnd: day(30) };
    expectDecision(
      policy,
      input({ billing: subscription }, { reason: 'changed_mind', requestedAt: day(31) }),
      {
        outcome: 'denied',
        reasons: ['ALL_SALES_FINAL', 'SERVICE_RENDERED'],
        exactReasons: true,
      },
    );
  });

  it('"The connection quality and connection speed are limited by the capabilities of the third party … non-refundable." — THIRD_PARTY_CAUSE', () => {
    expectDecision(policy, input({}, { reason: 'target_site_blocking' }), {
      outcome: 'denied',
      reasons: ['ALL_SALES_FINAL', 'THIRD_PARTY_CAUSE'],
      exactReasons: true,
    });
  });

  it('"Reject the client\'s software. … 922Proxy will not be responsible for the compatibility of the customer software" — THIRD_PARTY_CAUSE', () => {
    expectDecision(policy, input({}, { reason: 'third_party_tool' }), {
      outcome: 'denied',
      reasons: ['THIRD_PARTY_CAUSE'],
    });
  });

  it('"Any disputes … should be emailed to … Resolve any issues … related to refunds, cancellations or chargebacks by customer support." — disputes are support\'s, never an automatic refund', () => {
    const decision = evaluate(
      policy,
      input({}, { reason: 'billing_error', facts: { chargebackActive: true } }),
    );
    assert.equal(decision.outcome, 'denied');
    assert.deepEqual(decision.reasons, ['ALL_SALES_FINAL']);
    assert.deepEqual(policy.materials, ['dispute_email']);
    assert.equal(
      policy.decision.onDeadline,
      'escalate',
      'an unanswered dispute escalates to support, never auto-decides',
    );
  });

  it('is versioned and handed out as a copy, so a pinned policy never changes under a case', () => {
    const copy = getPreset('all-sales-final');
    assert.ok(copy);
    copy.allSalesFinal = false;
    assert.equal(presets['all-sales-final'].allSalesFinal, true);
    assert.equal(policy.version, 1);
    assert.equal(policy.source?.lastUpdated, '2022-11-30', '"Last updated on November 30th, 2022."');
  });
});

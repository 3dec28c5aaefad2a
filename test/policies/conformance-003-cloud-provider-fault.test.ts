// Conformance of preset `cloud-provider-fault` to seed 003_a89bccd8c0a7f0d8.txt: each sentence that
// states a rule, quoted, with the cases that hold the preset to it.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  checkReviewerChoice,
  decisionDeadline,
  payoutDeadline,
  presets,
  requestWindowEndsAt,
  reviewerBounds,
} from '../../policies';
import { pinHolidays } from '../../policies/holidays';
import { PURCHASED_AT, day, expectDecision, input } from './fixtures';

const policy = presets['cloud-provider-fault'];
const yearly = { kind: 'subscription' as const, periodStart: PURCHASED_AT, periodEnd: day(365) };

describe('policies: seed 003 → cloud-provider-fault', () => {
  describe('"We only accept refund requests if the following conditions are met:"', () => {
    it('dissatisfaction without a provider problem → denied SERVICE_RENDERED', () => {
      expectDecision(policy, input({}, { reason: 'dissatisfied', requestedAt: day(3) }), {
        outcome: 'denied',
        reasons: ['SERVICE_RENDERED'],
        exactReasons: true,
      });
    });
    it('a problem caused by a third party → THIRD_PARTY_CAUSE', () => {
      expectDecision(policy, input({}, { reason: 'third_party_tool', requestedAt: day(3) }), {
        outcome: 'denied',
        reasons: ['THIRD_PARTY_CAUSE'],
      });
    });
  });

  describe('"Service failure due to our intentional or gross errors;"', () => {
    it('a review confirming provider fault refunds in full at once', () => {
      expectDecision(
        policy,
        input(
          {},
          { reason: 'provider_fault', requestedAt: day(3), facts: { technicalReview: 'provider_fault' } },
        ),
        {
          outcome: 'full_refund',
          amountMinor: 1000,
          reasons: ['PROVIDER_FAULT'],
          exactReasons: true,
        },
      );
    });
    it('a confirmed incident counts as verified provider fault', () => {
      expectDecision(
        policy,
        input({}, { reason: 'service_unusable', requestedAt: day(3), facts: { incidentConfirmed: true } }),
        {
          outcome: 'full_refund',
          reasons: ['INCIDENT_CONFIRMED'],
        },
      );
    });
  });

  describe('"You encounter a serious problem that cannot be solved within a specific period of time after purchasing the service;"', () => {
    const problem = input({}, { reason: 'service_unusable', requestedAt: day(5) });
    it('reading: the provider has 7 days from the report; meanwhile the case waits and needs verification', () => {
      expectDecision(
        policy,
        { ...problem, asOf: day(8) },
        {
          outcome: 'needs_review',
          reasons: ['REMEDIATION_PENDING', 'NEEDS_TECHNICAL_REVIEW'],
          exactReasons: true,
        },
      );
    });
    it('unsolved after 7 days and verified as unresolved → full refund UNREMEDIATED_WITHIN_DEADLINE', () => {
      expectDecision(
        policy,
        { ...problem, asOf: day(13), facts: { technicalReview: 'unresolved' } },
        {
          outcome: 'full_refund',
          reasons: ['UNREMEDIATED_WITHIN_DEADLINE'],
          exactReasons: true,
        },
      );
    });
    it('solved within the 7 days → denied REMEDIATED', () => {
      expectDecision(
        policy,
        { ...problem, asOf: day(13), facts: { remediatedAt: day(9) } },
        { outcome: 'denied', reasons: ['REMEDIATED'], exactReasons: true },
      );
    });
    it('reading: "after purchasing" — the problem must be raised within 30 days of the purchase …', () => {
      assert.equal(
        requestWindowEndsAt(policy, { purchasedAt: PURCHASED_AT, billing: { kind: 'one_time' } }),
        '2025-04-02T23:59:59.999Z',
      );
      // A late claim may still be a gross error (no time limit): only the verification can tell.
      const late = input({}, { reason: 'service_unusable', requestedAt: day(31) });
      expectDecision(policy, late, { outcome: 'needs_review', reasons: ['NEEDS_TECHNICAL_REVIEW'] });
      // Verified as a serious problem left unsolved (not a provider fault): the time limit holds.
      expectDecision(
        policy,
        { ...late, facts: { technicalReview: 'unresolved' } },
        { outcome: 'denied', reasons: ['WINDOW_EXPIRED'] },
      );
    });
    it('… or, for a subscription, within its current billing period', () => {
      expectDecision(
        policy,
        input({ billing: yearly }, { reason: 'service_unusable', requestedAt: day(200) }),
        { outcome: 'needs_review', reasons: ['REMEDIATION_PENDING'] },
      );
    });
  });

  it('"Other refund situations that comply with laws and regulations." — reading: billing errors go to support\'s review', () => {
    expectDecision(policy, input({}, { reason: 'billing_error', requestedAt: day(3) }), {
      outcome: 'needs_review',
      reasons: ['BILLING_ERROR', 'DISCRETIONARY_REVIEW'],
      exactReasons: true,
    });
  });

  it('"Contact our customer service team as soon as possible after the problem occurs and provide a detailed description of the problem and relevant information;"', () => {
    assert.deepEqual(policy.materials, ['problem_description', 'relevant_information']);
    expectDecision(
      policy,
      input(
        {},
        {
          reason: 'service_unusable',
          requestedAt: day(3),
          facts: { issueReportedAt: day(2) },
          asOf: day(10),
        },
      ),
      {
        outcome: 'needs_review',
        reasons: ['NEEDS_TECHNICAL_REVIEW'],
        exactReasons: true,
      },
    );
  });

  describe('"Our customer service team will conduct a preliminary verification and after confirming that the refund conditions are met, you will be guided through the subsequent process."', () => {
    it('without a verification the unsolved problem is not refunded yet (NEEDS_TECHNICAL_REVIEW)', () => {
      const decision = expectDecision(
        policy,
        input({}, { reason: 'service_unusable', requestedAt: day(5), asOf: day(20) }),
        {
          outcome: 'needs_review',
          reasons: ['NEEDS_TECHNICAL_REVIEW'],
          exactReasons: true,
        },
      );
      assert.equal(decision.review?.kind, 'technical_review');
    });
    it("a verification finding the user's cause → USER_CAUSED", () => {
      expectDecision(
        policy,
        input(
          {},
          { reason: 'service_unusable', requestedAt: day(5), facts: { technicalReview: 'user_caused' } },
        ),
        { outcome: 'denied', reasons: ['USER_CAUSED'] },
      );
    });
    it('a verification finding it fixed → REMEDIATED', () => {
      expectDecision(
        policy,
        input(
          {},
          { reason: 'service_unusable', requestedAt: day(5), facts: { technicalReview: 'remediated' } },
        ),
        { outcome: 'denied', reasons: ['REMEDIATED'] },
      );
    });
    it('reading: the verification is decided within 5 business days, then escalated', () => {
      assert.equal(
        decisionDeadline(pinHolidays(policy, PURCHASED_AT), '2025-03-07T18:00:00Z'),
        '2025-03-14T23:59:59.999Z',
      );
    });
  });

  it('"We will process your refund application within a reasonable time after confirming that you meet the refund conditions" — reading: 14 days after approval', () => {
    assert.equal(
      payoutDeadline(policy, { requestedAt: day(1), approvedAt: day(4) }),
      '2025-03-21T23:59:59.999Z',
    );
    assert.equal(policy.payout.anchor, 'approval');
  });

  describe('"If your service is terminated early due to personal reasons during the term of your service contract, we will not provide a refund;"', () => {
    for (const reason of ['early_termination', 'changed_mind', 'cancel_subscription'] as const) {
      it(`"${reason}" → PERSONAL_EARLY_TERMINATION`, () => {
        expectDecision(policy, input({ billing: yearly }, { reason, requestedAt: day(40) }), {
          outcome: 'denied',
          reasons: ['PERSONAL_EARLY_TERMINATION'],
        });
      });
    }
  });
  describe('"Service failure due to our intentional or gross errors;" has no time limit', () => {
    const server = { quota: { unit: 'days', included: 365 } }; // a one-time year of server time
    it('a verified provider fault on day 60 of a one-time order → the unused share of the term, not WINDOW_EXPIRED', () => {
      expectDecision(
        policy,
        input(server, {
          reason: 'provider_fault',
          requestedAt: day(60),
          usage: { used: 60 },
          facts: { technicalReview: 'provider_fault' },
        }),
        // 305 of 365 days remain: 1000 × 305/365 = 835.6 → 836.
        {
          outcome: 'partial_refund',
          amountMinor: 836,
          reasons: ['PROVIDER_FAULT', 'PRORATA_REMAINING_QUOTA'],
        },
      );
    });
    it('a confirmed incident on day 60 likewise', () => {
      expectDecision(
        policy,
        input(server, {
          reason: 'service_unusable',
          requestedAt: day(60),
          usage: { used: 60 },
          facts: { incidentConfirmed: true },
        }),
        { outcome: 'partial_refund', amountMinor: 836, reasons: ['INCIDENT_CONFIRMED', 'PRORATA_INCIDENT'] },
      );
    });
    it('a verified provider fault counts even when it was fixed afterwards (the failure happened)', () => {
      expectDecision(
        policy,
        input(
          {},
          {
            reason: 'provider_fault',
            requestedAt: day(3),
            asOf: day(6),
            facts: { technicalReview: 'provider_fault', issueReportedAt: day(2), remediatedAt: day(4) },
          },
        ),
        { outcome: 'full_refund', reasons: ['PROVIDER_FAULT'] },
      );
    });
    it('within the first period (the window) all of the cash paid', () => {
      expectDecision(
        policy,
        input(server, {
          reason: 'provider_fault',
          requestedAt: day(20),
          usage: { used: 20 },
          facts: { technicalReview: 'provider_fault' },
        }),
        { outcome: 'full_refund', amountMinor: 1000, reasons: ['PROVIDER_FAULT'] },
      );
    });
    it('after the window, a term that cannot be measured (no quota, no billing period) goes to a person: USAGE_UNKNOWN, never the whole price', () => {
      const request = input(
        {},
        { reason: 'provider_fault', requestedAt: day(60), facts: { technicalReview: 'provider_fault' } },
      );
      const decision = expectDecision(policy, request, {
        outcome: 'needs_review',
        reasons: ['PROVIDER_FAULT', 'USAGE_UNKNOWN'],
      });
      assert.deepEqual(decision.review?.allowed, [
        { outcome: 'partial_refund', maxAmountMinor: 999 },
        { outcome: 'denied', maxAmountMinor: 0 },
      ]);
    });
  });

  describe('"… after confirming that the refund conditions are met" — no refund without a technical review, on any route', () => {
    it('a reviewer cannot skip the verification: no money until a technical review is recorded', () => {
      const unverified = input({}, { reason: 'provider_fault', requestedAt: day(3), asOf: day(20) });
      assert.equal(reviewerBounds(policy, unverified, 'escalation').kind, 'technical_review');
      for (const route of ['review', 'escalation', 'dispute'] as const)
        assert.match(
          checkReviewerChoice(policy, unverified, route, { outcome: 'full_refund' }) ?? '',
          /not allowed/,
          route,
        );
      const verified = { ...unverified, facts: { technicalReview: 'provider_fault' as const } };
      assert.equal(
        checkReviewerChoice(policy, verified, 'escalation', { outcome: 'full_refund' }),
        undefined,
      );
    });
  });
});

// Properties of evaluate() and the calendar over generated inputs (fast-check): the guarantees
// that hold for every preset and every request, not just the cases the seeds spell out.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import fc from 'fast-check';
import {
  PAYMENT_METHODS,
  PRESET_IDS,
  REQUEST_REASONS,
  TECHNICAL_REVIEW_OUTCOMES,
  addBusinessDays,
  cashPaidMinor,
  evaluate,
  isBusinessDayAt,
  presets,
  proRataMinor,
  checkReviewerChoice,
  reviewerBounds,
  type DecisionRoute,
  type EvaluationInput,
} from '../../policies';
import { DateTime } from 'luxon';

const DAY = 86_400_000;
const BASE = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const arbPolicy = fc.constantFrom(...PRESET_IDS).map((id) => presets[id]);

const arbInput: fc.Arbitrary<EvaluationInput> = fc
  .record({
    purchasedOffset: fc.integer({ min: 0, max: 3 * 365 * DAY }),
    requestAfter: fc.integer({ min: 0, max: 60 * DAY }),
    asOfAfter: fc.integer({ min: 0, max: 40 * DAY }),
    invoiceAfter: fc.option(fc.integer({ min: 0, max: 10 * DAY }), { nil: undefined }),
    serviceAfter: fc.option(fc.integer({ min: 0, max: 10 * DAY }), { nil: undefined }),
    amountMinor: fc.integer({ min: 0, max: 10_000_000 }),
    promoShare: fc.double({ min: 0, max: 1, noNaN: true }),
    currency: fc.constantFrom('USD', 'JPY', 'KWD', 'EUR'),
    channel: fc.constantFrom('official' as const, 'reseller' as const, 'marketplace' as const),
    paymentMethod: fc.constantFrom(...PAYMENT_METHODS),
    firstPurchaseOfPlan: fc.boolean(),
    periodDays: fc.option(fc.integer({ min: 1, max: 365 }), { nil: undefined }),
    quota: fc.option(
      fc.record({
        unit: fc.constantFrom('requests', 'gb', 'ips', 'days'),
        included: fc.integer({ min: 1, max: 100_000 }),
      }),
      { nil: undefined },
    ),
    used: fc.option(fc.double({ min: 0, max: 200_000, noNaN: true }), { nil: undefined }),
    reason: fc.constantFrom(...REQUEST_REASONS),
    facts: fc.record(
      {
        issueAfter: fc.integer({ min: 0, max: 20 * DAY }),
        remediatedAfter: fc.integer({ min: 0, max: 30 * DAY }),
        incidentConfirmed: fc.boolean(),
        chargebackActive: fc.boolean(),
        termsViolation: fc.boolean(),
        abuseSuspected: fc.boolean(),
        refundsInLast90Days: fc.integer({ min: 0, max: 5 }),
        technicalReview: fc.constantFrom(...TECHNICAL_REVIEW_OUTCOMES),
      },
      { requiredKeys: [] },
    ),
  })
  .map((g) => {
    const purchasedAt = BASE + g.purchasedOffset;
    const requestedAt = purchasedAt + g.requestAfter;
    const { issueAfter, remediatedAfter, ...facts } = g.facts;
    const issueReportedAt = issueAfter === undefined ? undefined : purchasedAt + issueAfter;
    return {
      order: {
        orderId: 'ord-p',
        customerId: 'cus-p',
        channel: g.channel,
        paymentMethod: g.paymentMethod,
        amountMinor: g.amountMinor,
        currency: g.currency,
        promoCreditMinor: Math.floor(g.amountMinor * g.promoShare),
        purchasedAt: iso(purchasedAt),
        ...(g.invoiceAfter === undefined ? {} : { invoicedAt: iso(purchasedAt + g.invoiceAfter) }),
        ...(g.serviceAfter === undefined ? {} : { serviceDate: iso(purchasedAt + g.serviceAfter) }),
        firstPurchaseOfPlan: g.firstPurchaseOfPlan,
        billing:
          g.periodDays === undefined
            ? { kind: 'one_time' as const }
            : {
                kind: 'subscription' as const,
                periodStart: iso(purchasedAt),
                periodEnd: iso(purchasedAt + g.periodDays * DAY),
              },
        ...(g.quota ? { quota: g.quota } : {}),
      },
      request: { requestedAt: iso(requestedAt), reason: g.reason },
      ...(g.used === undefined ? {} : { usage: { used: g.used } }),
      asOf: iso(requestedAt + g.asOfAfter),
      facts: {
        ...facts,
        ...(issueReportedAt === undefined ? {} : { issueReportedAt: iso(issueReportedAt) }),
        ...(issueReportedAt === undefined || remediatedAfter === undefined
          ? {}
          : { remediatedAt: iso(issueReportedAt + remediatedAfter) }),
      },
    };
  });

const RUNS = { numRuns: 2000 };
const ROUTES: DecisionRoute[] = ['review', 'escalation', 'dispute'];

describe('policies: properties (fast-check)', () => {
  it('a refund is a whole number of minor units and never exceeds the cash paid', () => {
    fc.assert(
      fc.property(arbPolicy, arbInput, (policy, input) => {
        const decision = evaluate(policy, input);
        assert.ok(
          Number.isSafeInteger(decision.amountMinor) && decision.amountMinor >= 0,
          `amount ${decision.amountMinor}`,
        );
        assert.ok(
          decision.amountMinor <= cashPaidMinor(input.order),
          `${decision.amountMinor} > cash ${cashPaidMinor(input.order)}`,
        );
        if (decision.outcome !== 'full_refund' && decision.outcome !== 'partial_refund')
          assert.equal(decision.amountMinor, 0);
      }),
      RUNS,
    );
  });

  it('a denial always carries a reason, and every reason its explanation', () => {
    fc.assert(
      fc.property(arbPolicy, arbInput, (policy, input) => {
        const decision = evaluate(policy, input);
        if (decision.outcome === 'denied' || decision.outcome === 'needs_review')
          assert.ok(decision.reasons.length >= 1, decision.outcome);
        assert.equal(decision.explanations.length, decision.reasons.length);
        assert.equal(new Set(decision.reasons).size, decision.reasons.length, 'no reason twice');
        assert.equal(decision.policyId, policy.id);
        assert.equal(decision.currency, input.order.currency);
      }),
      RUNS,
    );
  });

  it('evaluation is deterministic, also after the input travels as JSON (as workflow history does)', () => {
    fc.assert(
      fc.property(arbPolicy, arbInput, (policy, input) => {
        const first = evaluate(policy, input);
        assert.deepEqual(evaluate(policy, input), first);
        assert.deepEqual(
          evaluate(JSON.parse(JSON.stringify(policy)), JSON.parse(JSON.stringify(input))),
          first,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it("a person's bounds never exceed the cash paid on any route, and services-fix-first never allows a full refund after the service started", () => {
    fc.assert(
      fc.property(arbPolicy, arbInput, fc.constantFrom(...ROUTES), (policy, input, route) => {
        const bounds = reviewerBounds(policy, input, route);
        const cash = cashPaidMinor(input.order);
        for (const allowed of bounds.allowed) {
          if (allowed.outcome === 'credit') continue; // credit is bounded by the price, not the cash
          assert.ok(
            allowed.maxAmountMinor <= cash,
            `${route} ${allowed.outcome} ${allowed.maxAmountMinor} > ${cash}`,
          );
        }
        if (policy.id === 'services-fix-first' && bounds.kind !== 'policy_outcome')
          assert.ok(!bounds.allowed.some((a) => a.outcome === 'full_refund'), `${route}: ${bounds.kind}`);
        // Whatever the route allows, the check agrees with it.
        for (const allowed of bounds.allowed)
          assert.equal(
            checkReviewerChoice(policy, input, route, {
              outcome: allowed.outcome,
              amountMinor: allowed.maxAmountMinor,
              extensionDays: allowed.maxExtensionDays ?? 0,
            }),
            undefined,
          );
      }),
      { numRuns: 1000 },
    );
  });

  it('unknown usage never pays more than a known figure would, and is never paid blind where the policy depends on it', () => {
    fc.assert(
      fc.property(arbPolicy, arbInput, (policy, input) => {
        const { usage, ...unknown } = input;
        void usage;
        const blind = evaluate(policy, unknown);
        const none = evaluate(policy, { ...unknown, usage: { used: 0 } });
        assert.ok(blind.amountMinor <= none.amountMinor, `${blind.amountMinor} > ${none.amountMinor}`);
        if (policy.id === 'usage-prorata' && input.order.quota && blind.outcome !== 'denied')
          assert.deepEqual([blind.outcome, blind.reasons.includes('USAGE_UNKNOWN')], ['needs_review', true]);
      }),
      RUNS,
    );
  });

  it('more usage never gives a larger refund', () => {
    fc.assert(
      fc.property(
        arbPolicy,
        arbInput,
        fc.double({ min: 0, max: 100_000, noNaN: true }),
        fc.double({ min: 0, max: 100_000, noNaN: true }),
        (policy, input, a, b) => {
          const [less, more] = a <= b ? [a, b] : [b, a];
          const withLess = evaluate(policy, { ...input, usage: { used: less } });
          const withMore = evaluate(policy, { ...input, usage: { used: more } });
          // A case a person decides (nothing used beyond the window: "never the whole price") is
          // not a refund of 0: what it may give is the review's ceiling.
          const mayGive =
            withLess.outcome === 'needs_review'
              ? Math.max(0, ...(withLess.review?.allowed ?? []).map((a) => a.maxAmountMinor))
              : withLess.amountMinor;
          assert.ok(
            withMore.amountMinor <= mayGive,
            `used ${less} → ${withLess.outcome} ${mayGive}, used ${more} → ${withMore.amountMinor}`,
          );
        },
      ),
      RUNS,
    );
  });

  it('the seed 004 pro-rata refund shrinks step by step as usage grows', () => {
    const policy = presets['usage-prorata'];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 50_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        (amountMinor, included, used) => {
          const order = {
            orderId: 'o',
            customerId: 'c',
            channel: 'official' as const,
            paymentMethod: 'card' as const,
            amountMinor,
            currency: 'USD',
            purchasedAt: iso(BASE),
            billing: { kind: 'one_time' as const },
            quota: { unit: 'requests', included },
          };
          const at = (u: number) =>
            evaluate(policy, {
              order,
              request: { requestedAt: iso(BASE + DAY), reason: 'changed_mind' },
              usage: { used: u },
            }).amountMinor;
          assert.ok(at(used + 1) <= at(used));
          assert.equal(at(used), proRataMinor(amountMinor, Math.max(0, included - used), included));
        },
      ),
      RUNS,
    );
  });

  it('pro-rata rounds half up: the result is the exact share rounded to the nearest unit, ties up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (total, whole, rawPart) => {
          const part = Math.min(rawPart, whole);
          const result = BigInt(proRataMinor(total, part, whole));
          const twiceExact = 2n * BigInt(total) * BigInt(part); // 2 × exact × whole
          const w = BigInt(whole);
          // result = floor(exact + 1/2)  ⇔  2·result·w ≤ 2·exact·w + w < 2·(result + 1)·w
          assert.ok(
            2n * result * w <= twiceExact + w && twiceExact + w < 2n * (result + 1n) * w,
            `${total}×${part}/${whole} → ${result}`,
          );
        },
      ),
      RUNS,
    );
  });

  it('business-day deadlines never land on a weekend or a holiday, and count exactly N business days', () => {
    const arbHolidays = fc
      .uniqueArray(fc.integer({ min: 0, max: 800 }), { maxLength: 40 })
      .map((offsets) => offsets.map((d) => iso(BASE + d * DAY).slice(0, 10)));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 700 * DAY }),
        fc.integer({ min: 1, max: 15 }),
        fc.constantFrom(
          'UTC',
          'Europe/Berlin',
          'America/New_York',
          'Asia/Tokyo',
          'Australia/Sydney',
          'America/Sao_Paulo',
        ),
        arbHolidays,
        (offset, days, timeZone, holidays) => {
          const calendar = { timeZone, holidays };
          const start = iso(BASE + offset);
          const deadline = addBusinessDays(start, days, calendar);
          assert.ok(isBusinessDayAt(deadline, calendar), `${deadline} (${timeZone}) is not a business day`);
          assert.ok(Date.parse(deadline) > Date.parse(start));
          // Count the business days strictly after the start's local date, up to the deadline's.
          let counted = 0;
          let date = DateTime.fromISO(start, { zone: timeZone }).startOf('day');
          const last = DateTime.fromISO(deadline, { zone: timeZone }).toISODate();
          while (date.toISODate() !== last) {
            date = date.plus({ days: 1 });
            if (isBusinessDayAt(date.set({ hour: 12 }).toISO() ?? '', calendar)) counted++;
          }
          assert.equal(counted, days);
        },
      ),
      RUNS,
    );
  });
});

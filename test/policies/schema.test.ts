// The public contract: the names DESIGN.md fixes, the input schema with its defaults and
// field-naming errors, and presets that are valid, JSON-serializable policies.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'mocha';
import {
  EvaluationInputSchema,
  OUTCOMES,
  PRESET_IDS,
  PolicySchema,
  REASON_CODES,
  describeReason,
  evaluate,
  formatZodIssues,
  getPreset,
  listPresets,
  presets,
} from '../../policies';
import { day, input } from './fixtures';

// Copied from DESIGN.md "Policy evaluation": the contract the API and the support UI rely on.
const DESIGN_REASON_CODES = [
  'ALL_SALES_FINAL',
  'WINDOW_EXPIRED',
  'NOT_FIRST_PURCHASE',
  'NON_OFFICIAL_CHANNEL',
  'CRYPTO_PAYMENT',
  'USAGE_CAP_EXCEEDED',
  'THIRD_PARTY_CAUSE',
  'USER_CAUSED',
  'TERMS_VIOLATION',
  'ABUSE_SUSPECTED',
  'ACTIVE_CHARGEBACK',
  'PERSONAL_EARLY_TERMINATION',
  'SERVICE_RENDERED',
  'UNUSED_SUBSCRIPTION_PORTION',
  'REMEDIATION_PENDING',
  'REMEDIATED',
  'WITHIN_WINDOW_LIGHT_USAGE',
  'UNREMEDIATED_WITHIN_DEADLINE',
  'INCIDENT_CONFIRMED',
  'PROVIDER_FAULT',
  'BILLING_ERROR',
  'PRORATA_REMAINING_QUOTA',
  'PRORATA_INCIDENT',
  'PROMO_CREDIT_EXCLUDED',
  'DISCRETIONARY_REVIEW',
  'NEEDS_TECHNICAL_REVIEW',
  'USAGE_UNKNOWN',
  'DISPUTE_REVIEW',
];

function issuesOf(raw: unknown): string[] {
  const parsed = EvaluationInputSchema.safeParse(raw);
  assert.equal(parsed.success, false, 'expected the input to be rejected');
  return parsed.success ? [] : formatZodIssues(parsed.error, raw);
}

describe('policies: contract, schemas and presets', () => {
  it('has exactly the reason codes and outcomes of DESIGN.md', () => {
    assert.deepEqual([...REASON_CODES], DESIGN_REASON_CODES);
    assert.deepEqual(
      [...OUTCOMES],
      ['full_refund', 'partial_refund', 'credit', 'service_extension', 'denied', 'needs_review'],
    );
  });

  it('describes every reason code in its own plain words', () => {
    const descriptions = REASON_CODES.map(describeReason);
    assert.equal(new Set(descriptions).size, REASON_CODES.length);
    for (const text of descriptions) assert.match(text, /^[A-Z][^_]{20,}\.$/, text);
  });

  describe('presets', () => {
    it('has the five preset ids of DESIGN.md, listed in order', () => {
      assert.deepEqual(
        [...PRESET_IDS],
        ['all-sales-final', 'proxy-strict', 'services-fix-first', 'cloud-provider-fault', 'usage-prorata'],
      );
      assert.deepEqual(
        listPresets().map((p) => p.id),
        [...PRESET_IDS],
      );
      assert.equal(getPreset('no-such-policy'), undefined);
    });
    for (const id of PRESET_IDS) {
      it(`${id} is a valid policy that survives JSON (it is pinned into workflow input)`, () => {
        const preset = presets[id];
        assert.deepEqual(PolicySchema.parse(preset), preset);
        assert.deepEqual(JSON.parse(JSON.stringify(preset)), preset);
        assert.equal(preset.id, id);
      });
    }
    it('every preset rule cites its seed: each preset file quotes its seed text at least eight times', () => {
      const dir = path.join(__dirname, '../../policies/presets');
      for (const id of PRESET_IDS) {
        const text = readFileSync(path.join(dir, `${id}.ts`), 'utf8');
        const quotes = text.match(/\/\/.*"[^"]{12,}/g) ?? [];
        assert.ok(quotes.length >= 8, `${id}: ${quotes.length} quoted sentences`);
        assert.match(text, /Reading:/, `${id} documents its readings`);
      }
    });
    it('the policy schema rejects a bad time zone or holiday, naming the field', () => {
      const broken = { ...presets['proxy-strict'], timeZone: 'Mars/Olympus', holidays: ['2025-02-30'] };
      const parsed = PolicySchema.safeParse(broken);
      assert.equal(parsed.success, false);
      const lines = parsed.success ? [] : formatZodIssues(parsed.error);
      assert.ok(
        lines.some((l) => l.startsWith('timeZone: expected an IANA time zone')),
        lines.join('\n'),
      );
      assert.ok(
        lines.some((l) => l.startsWith('holidays[0]: ')),
        lines.join('\n'),
      );
    });
  });

  describe('evaluation input', () => {
    it('applies the defaults: promoCreditMinor 0, firstPurchaseOfPlan true', () => {
      const parsed = EvaluationInputSchema.parse(input({}));
      assert.equal(parsed.order.promoCreditMinor, 0);
      assert.equal(parsed.order.firstPurchaseOfPlan, true);
    });
    it('evaluate() applies the same defaults to unparsed input', () => {
      const raw = input(
        { quota: { unit: 'gb', included: 10 } },
        { facts: { incidentConfirmed: true }, usage: { used: 0.2 } },
      );
      assert.deepEqual(
        evaluate(presets['proxy-strict'], raw),
        evaluate(presets['proxy-strict'], EvaluationInputSchema.parse(raw)),
      );
    });
    it('names the field in every error: "order.amountMinor: expected integer …"', () => {
      const lines = issuesOf(input({ amountMinor: 10.5 }));
      assert.deepEqual(lines, ['order.amountMinor: expected integer, received 10.5']);
    });
    it('says which fields are missing', () => {
      const lines = issuesOf({
        order: { ...input({}).order, customerId: undefined },
        request: { requestedAt: day(1) },
      });
      assert.ok(lines.includes('order.customerId: required (expected string)'), lines.join('\n'));
      assert.ok(
        lines.some((l) => l.startsWith('request.reason: required')),
        lines.join('\n'),
      );
    });
    it('rejects unknown currencies, enums and malformed times, naming each field', () => {
      const raw = input(
        { currency: 'XYZ', channel: 'eBay' as never, purchasedAt: '2025-03-03 10:00' },
        { reason: 'bored' as never },
      );
      const lines = issuesOf(raw);
      assert.ok(lines.includes('order.currency: unknown ISO 4217 currency code'), lines.join('\n'));
      assert.ok(
        lines.some((l) => l.startsWith('order.channel: expected one of')),
        lines.join('\n'),
      );
      assert.ok(
        lines.some((l) => l.startsWith('order.purchasedAt: expected an ISO 8601 date-time')),
        lines.join('\n'),
      );
      assert.ok(
        lines.some((l) => l.startsWith('request.reason: expected one of')),
        lines.join('\n'),
      );
    });
    it('rejects impossible combinations, naming the field', () => {
      assert.deepEqual(issuesOf(input({ promoCreditMinor: 2000 })), [
        'order.promoCreditMinor: promotional credit cannot exceed the amount',
      ]);
      assert.deepEqual(issuesOf(input({}, { requestedAt: day(-1) })), [
        'request.requestedAt: must not be before order.purchasedAt',
      ]);
      assert.deepEqual(issuesOf(input({}, { asOf: day(0.5) })), [
        'asOf: must not be before request.requestedAt',
      ]);
      assert.deepEqual(issuesOf(input({ firstPurchaseAt: day(1) })), [
        'order.firstPurchaseAt: must not be after purchasedAt (the first purchase of a plan comes first)',
      ]);
      assert.deepEqual(
        issuesOf({ ...input({ quota: { unit: 'gb', included: 10 } }), usage: { used: 1, unit: 'requests' } }),
        ['usage.unit: must match order.quota.unit (gb)'],
      );
      assert.deepEqual(issuesOf(input({}, { facts: { billingErrorMinor: 1.5 } })).length, 1);
      const backwards = { kind: 'subscription' as const, periodStart: day(30), periodEnd: day(0) };
      assert.deepEqual(issuesOf(input({ billing: backwards })), [
        'order.billing.periodEnd: must be after billing.periodStart',
      ]);
      assert.deepEqual(issuesOf({ ...input({}), usage: { used: -1 } }), [
        'usage.used: Too small: expected number to be >=0',
      ]);
    });
    it('accepts a service date given as a plain date', () => {
      assert.equal(EvaluationInputSchema.safeParse(input({ serviceDate: '2025-03-05' })).success, true);
    });
  });

  describe('sandbox safety: policies/ runs inside the Temporal workflow sandbox', () => {
    const dir = path.join(__dirname, '../../policies');
    const files = (sub: string): string[] =>
      readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? files(path.join(sub, e.name))
          : e.name.endsWith('.ts')
            ? [path.join(sub, e.name)]
            : [],
      );
    for (const file of files('.')) {
      it(`${file} imports only zod, luxon, @date-fns/tz's tzOffset and its own modules (holidays.ts also date-holidays, and only by type elsewhere), and reads no clock or randomness`, () => {
        const text = readFileSync(path.join(dir, file), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '');
        const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');
        for (const spec of imports)
          assert.ok(
            ['zod', 'luxon', '@date-fns/tz/tzOffset'].includes(spec) ||
              spec.startsWith('.') ||
              // The holiday library is pinned into cases at start, outside the workflow bundle.
              (file === 'holidays.ts' && spec === 'date-holidays'),
            `${file} imports ${spec}`,
          );
        // Nothing the workflow imports pulls holidays.ts (and the library) in: type imports only.
        if (file !== 'holidays.ts')
          assert.doesNotMatch(
            text,
            /^(?:import|export) (?!type )[^;]*from '\.\/holidays'/m,
            `${file} imports ./holidays`,
          );
        assert.doesNotMatch(
          text,
          /Date\.now|new Date\(\)|Math\.random|DateTime\.(now|local)\(|process\.|Buffer|setTimeout|require\(/,
        );
      });
    }
  });
});

// Every email template's text for every outcome, read as the customer (or support) reads it
// (issue 19): the reasons that decided the outcome in plain words, dates readable in the policy's
// zone, amounts in the currency's units, the reviewer's message to the customer when given and the
// internal note never. One table; each row renders and is held to the same rules plus its own.
import assert from 'node:assert/strict';
import type { CustomerEmailKind, SupportNoticeKind } from '../../activities/contract';
import { renderCustomerEmail } from '../../activities/email/customer-templates';
import { renderSupportNotice } from '../../activities/email/support-templates';
import { REASON_CODES, REQUEST_REASONS, type ReasonCode } from '../../policies';
import { decisionEmail } from '../../workflows/case/decisions';

const ctx = { supportAddress: 'help@shop.example' };
const ref = { orderId: 'ord-42', customerId: 'cus-7' };
const zone = 'Europe/Berlin';
const NOTE = 'INTERNAL: customer sounded angry, approve to avoid a chargeback';
const MESSAGE = 'We are sorry for the trouble; the refund covers the whole month.';

/** Codes that bar a refund (a denial names them) and that ground one (a refund names them). */
const AGAINST: ReasonCode[] = [
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
  'REMEDIATED',
  'PROMO_CREDIT_EXCLUDED',
];
const PENDING: ReasonCode[] = [
  'REMEDIATION_PENDING',
  'DISCRETIONARY_REVIEW',
  'NEEDS_TECHNICAL_REVIEW',
  'USAGE_UNKNOWN',
  'DISPUTE_REVIEW',
];
const FOR = REASON_CODES.filter((c) => !AGAINST.includes(c) && !PENDING.includes(c));

interface Row {
  name: string;
  kind: CustomerEmailKind;
  data: Record<string, unknown>;
  says: RegExp[];
  never?: RegExp[];
}

const rows: Row[] = [
  ...REQUEST_REASONS.map((reason) => ({
    name: `request received: ${reason}`,
    kind: 'request_received' as const,
    data: { reason, timeZone: zone },
    says: [/We have received your refund request for order ord-42\./, /You asked for a refund because [a-z]/],
    never: [/because of/],
  })),
  {
    name: 'information requested',
    kind: 'information_requested',
    data: { items: ['logs', 'kyc', 'timestamps'], note: 'The last week is enough.', timeZone: zone },
    says: [/logs from the time of the problem/, /proof of identity/, /The last week is enough\./],
  },
  ...AGAINST.map((code) => ({
    name: `denied by the policy: ${code}`,
    kind: 'decision' as const,
    data: { outcome: 'denied', amountMinor: 0, currency: 'USD', reasons: [code], decidedBy: 'system' },
    says: [/we cannot refund order ord-42/, /Why:\n\n {2}- [A-Z]/],
    never: [/member of our team/],
  })),
  ...FOR.map((code) => ({
    name: `full refund by the policy: ${code}`,
    kind: 'decision' as const,
    data: {
      outcome: 'full_refund',
      amountMinor: 2900,
      currency: 'USD',
      reasons: [code],
      decidedBy: 'system',
    },
    says: [/\$29\.00 goes back to your original payment method/, /Why:\n\n {2}- [A-Z]/],
  })),
  {
    name: 'partial refund in a zero-decimal currency',
    kind: 'decision',
    data: {
      outcome: 'partial_refund',
      amountMinor: 1500,
      currency: 'JPY',
      reasons: ['PRORATA_REMAINING_QUOTA', 'PROMO_CREDIT_EXCLUDED'],
      decidedBy: 'system',
    },
    says: [/partial refund of ¥1,500/, /had not used yet/, /promotional credit/],
  },
  {
    // The case: a reviewer decided over the reasons that had only kept the case waiting.
    name: 'full refund by a reviewer, with a message, over pending reasons',
    kind: 'decision',
    data: decisionEmail({
      outcome: 'full_refund',
      amountMinor: 2900,
      currency: 'EUR',
      reasons: ['REMEDIATION_PENDING', 'NEEDS_TECHNICAL_REVIEW', 'DISCRETIONARY_REVIEW'],
      explanations: [
        'A reported problem is still within the time the provider has to fix it; the case waits for that time to run out. The provider has until 2026-12-07T11:39:41.598Z to fix it.',
        'A technical review has to confirm the cause of the problem before a decision.',
      ],
      policyId: 'proxy-strict',
      policyVersion: 1,
      decidedAt: '2026-12-01T10:00:00.000Z',
      decidedBy: { role: 'reviewer', id: 'rev-1' },
      note: NOTE,
      customerMessage: MESSAGE,
    }),
    says: [
      /€29\.00 goes back/,
      /A member of our team reviewed your request/,
      /Their message to you:\n\nWe are sorry/,
    ],
    never: [/waits for that time/, /technical review has to confirm/, /Why:/],
  },
  {
    name: 'denied by the policy at its decision deadline, while a review was pending',
    kind: 'decision',
    data: {
      outcome: 'denied',
      amountMinor: 0,
      currency: 'USD',
      reasons: ['NEEDS_TECHNICAL_REVIEW'],
      decidedBy: 'system',
    },
    says: [/cannot refund/, /could not be decided within it/],
    never: [/technical team is checking/, /member of our team/],
  },
  {
    name: 'credit by a reviewer',
    kind: 'decision',
    data: {
      outcome: 'credit',
      amountMinor: 1234,
      currency: 'GBP',
      reasons: ['DISCRETIONARY_REVIEW'],
      decidedBy: 'reviewer',
    },
    says: [/added £12\.34 of credit to your account/, /member of our team/],
  },
  {
    name: 'service extension',
    kind: 'decision',
    data: {
      outcome: 'service_extension',
      amountMinor: 0,
      currency: 'USD',
      extensionDays: 14,
      reasons: ['PRORATA_INCIDENT'],
      decidedBy: 'system',
    },
    says: [/extended your service for order ord-42 by 14 days/, /share of the service you could not use/],
  },
  {
    name: 'dispute upheld by a reviewer: the denial’s own reasons, not the dispute’s',
    kind: 'decision',
    data: {
      outcome: 'denied',
      amountMinor: 0,
      currency: 'USD',
      reasons: ['WINDOW_EXPIRED', 'DISPUTE_REVIEW', 'DISCRETIONARY_REVIEW'],
      decidedBy: 'reviewer',
      customerMessage: MESSAGE,
      note: NOTE,
    },
    says: [/cannot refund/, /after the time allowed/, /member of our team/, /We are sorry for the trouble/],
    never: [/looking at your request again/, /looks at your request personally/],
  },
  {
    name: 'dispute granted by a reviewer: no denial reason explains a refund',
    kind: 'decision',
    data: {
      outcome: 'partial_refund',
      amountMinor: 1000,
      currency: 'USD',
      reasons: ['WINDOW_EXPIRED', 'DISPUTE_REVIEW', 'DISCRETIONARY_REVIEW'],
      decidedBy: 'reviewer',
    },
    says: [/partial refund of \$10\.00/, /member of our team/],
    never: [/after the time allowed/, /Why:/],
  },
  {
    name: 'payout sent',
    kind: 'payout_sent',
    data: { amountMinor: 2900, currency: 'USD', expectedBy: '2026-12-10T22:59:59.999Z', timeZone: zone },
    says: [/\$29\.00/, /by 10 December 2026 at 23:59 CET/],
  },
  {
    name: 'payout settled',
    kind: 'payout_settled',
    data: { amountMinor: 2900, currency: 'USD' },
    says: [/\$29\.00/, /paid out/],
  },
  {
    name: 'payout delayed (failed or late)',
    kind: 'payout_delayed',
    data: { amountMinor: 2900, currency: 'USD', payoutDeadline: '2026-12-14T22:59:59.999Z', timeZone: zone },
    says: [/not reached you by 14 December 2026 at 23:59 CET/, /You do not need to do anything/],
  },
  {
    name: 'decision delayed',
    kind: 'decision_delayed',
    data: { decisionDeadline: '2026-12-10T22:59:59.999Z', timeZone: 'America/New_York' },
    says: [/by 10 December 2026 at 17:59 GMT-5 \(New York time\)/],
  },
  {
    name: 'subscription cancelled',
    kind: 'subscription_cancelled',
    data: { effectiveAt: '2026-12-31T00:00:00Z', timeZone: zone },
    says: [/keep access until 31 December 2026 at 01:00 CET/],
  },
];

/** What no customer email may show: raw times, codes, minor units, the internal note. */
function assertPlain(text: string, name: string): void {
  assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, `${name}: a raw ISO time`);
  assert.doesNotMatch(text, /\b[A-Z]{2,}(?:_[A-Z]+)+\b/, `${name}: a reason code`);
  assert.doesNotMatch(text, /\b[a-z]+(?:_[a-z]+)+\b/, `${name}: a snake_case code`);
  assert.doesNotMatch(text, /minor units/i, `${name}: minor units`);
  assert.doesNotMatch(text, /INTERNAL/, `${name}: the internal note`);
  assert.doesNotMatch(text, /undefined|null|NaN|\[object/, `${name}: a missing value`);
}

describe('activities: every email for every outcome, in words the reader understands', () => {
  for (const row of rows)
    it(row.name, () => {
      const out = renderCustomerEmail({ kind: row.kind, orderId: ref.orderId, data: row.data }, ctx);
      for (const part of [out.subject, out.text]) assertPlain(part, row.name);
      for (const pattern of row.says) assert.match(out.text, pattern, row.name);
      for (const pattern of row.never ?? []) assert.doesNotMatch(out.text, pattern, row.name);
      const message = row.data.customerMessage;
      if (typeof message === 'string') {
        assert.ok(out.text.includes(message), 'the customer message is in the text part');
        assert.ok(out.html.includes(message.replace(/'/g, '&#39;')), 'and in the HTML part');
      }
    });

  it('every reason code has customer words, and each explains some outcome', () => {
    for (const code of REASON_CODES) {
      const outcome = AGAINST.includes(code)
        ? 'denied'
        : PENDING.includes(code)
          ? 'needs_review'
          : 'full_refund';
      const out = renderCustomerEmail(
        {
          kind: 'decision',
          orderId: 'o',
          data: { outcome, amountMinor: 100, currency: 'USD', reasons: [code] },
        },
        ctx,
      );
      assert.match(out.text, /Why:\n\n {2}- [A-Z][^\n]+\./, code);
      assertPlain(out.text, code);
    }
  });

  it('the workflow’s decision email never carries the note, and carries the customer message only when given', () => {
    const base = {
      outcome: 'denied' as const,
      amountMinor: 0,
      currency: 'USD',
      reasons: ['WINDOW_EXPIRED' as const],
      explanations: [],
      policyId: 'p',
      policyVersion: 1,
      decidedAt: '2026-12-01T10:00:00.000Z',
      decidedBy: { role: 'reviewer' as const },
      note: NOTE,
    };
    assert.ok(!JSON.stringify(decisionEmail(base)).includes('INTERNAL'));
    assert.equal('customerMessage' in decisionEmail(base), false);
    assert.equal(decisionEmail({ ...base, customerMessage: MESSAGE }).customerMessage, MESSAGE);
  });
});

const notices: {
  name: string;
  kind: SupportNoticeKind;
  reason: string;
  data: Record<string, unknown>;
  says: RegExp[];
}[] = [
  {
    name: 'escalation: decision deadline passed',
    kind: 'escalation',
    reason: 'decision deadline passed (2026-12-10T22:59:59.999Z)',
    data: { deadlines: { decisionDeadline: '2026-12-10T22:59:59.999Z' }, timeZone: zone },
    says: [/decision deadline passed \(10 December 2026 at 23:59 CET\)/, /A reviewer must decide/],
  },
  {
    name: 'escalation: payout limit passed',
    kind: 'escalation',
    reason: 'payout limit passed (2026-12-14T22:59:59.999Z) without settlement',
    data: { deadlines: { payoutDeadline: '2026-12-14T22:59:59.999Z' }, timeZone: zone },
    says: [/Support must choose a payout route/, /payout deadline: 14 December 2026 at 23:59 CET/],
  },
  {
    name: 'payout failed, with the order’s currency attached',
    kind: 'payout_failed',
    reason: 'Payout failed (expired_or_canceled_card); choose another route',
    data: { failureReason: 'expired_or_canceled_card', amountMinor: 2900, currency: 'USD', timeZone: zone },
    says: [
      /Amount: \$29\.00\./,
      /Support must act: on the case page, "Payout route"/,
      /A reviewer may instead decide again/,
    ],
  },
  {
    name: 'payout failed, from a case that attached no currency',
    kind: 'payout_failed',
    reason: 'Payout failed',
    data: { amountMinor: 2900 },
    says: [/failed at the payment gateway/, /Payout route/],
  },
  {
    name: 'chargeback',
    kind: 'chargeback',
    reason: 'A chargeback was opened on this order',
    data: {},
    says: [/Refunds on this order are held/],
  },
  {
    name: 'needs review, waiting on a remediation clock',
    kind: 'needs_review',
    reason: 'Technical review needed while the remediation clock runs (until 2026-12-07T11:39:41.598Z)',
    data: { reasons: ['REMEDIATION_PENDING', 'NEEDS_TECHNICAL_REVIEW'], timeZone: zone },
    says: [
      /until 7 December 2026 at 12:39 CET/,
      /needs a reviewer to decide/,
      /A technical review has to confirm/,
    ],
  },
];

describe('activities: every support notice says who acts and where', () => {
  for (const row of notices)
    it(row.name, () => {
      const out = renderSupportNotice(
        { ...ref, kind: row.kind, idempotencyKey: 'k', reason: row.reason, data: row.data },
        {},
      );
      for (const part of [out.subject, out.text]) {
        assert.doesNotMatch(part, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, `${row.name}: a raw ISO time`);
        assert.doesNotMatch(part, /minor units/i, `${row.name}: minor units`);
        assert.doesNotMatch(part, /\b[A-Z]{2,}(?:_[A-Z]+)+\b/, `${row.name}: a reason code`);
      }
      for (const pattern of row.says) assert.match(out.text, pattern, row.name);
    });
});

import assert from 'node:assert/strict';
import type { CustomerEmailKind, SupportNoticeKind } from '../../activities/contract';
import { renderCustomerEmail } from '../../activities/email/customer-templates';
import { renderSupportNotice } from '../../activities/email/support-templates';

const ctx = { supportAddress: 'help@shop.example' };
const ref = { orderId: 'ord-42', customerId: 'cus-7' };

describe('activities: email templates', () => {
  it('renders every customer message as text and HTML that name the order', () => {
    const data: Record<CustomerEmailKind, Record<string, unknown>> = {
      request_received: { reason: 'service_unusable' },
      information_requested: { items: ['order_id', 'logs'], note: 'Timestamps help too.' },
      decision: {
        outcome: 'full_refund',
        amountMinor: 1999,
        currency: 'USD',
        reasons: ['WITHIN_WINDOW_LIGHT_USAGE'],
      },
      payout_sent: { amountMinor: 1999, currency: 'USD' },
      payout_settled: { amountMinor: 1999, currency: 'USD' },
      payout_delayed: { amountMinor: 1999, currency: 'USD', payoutDeadline: '2026-12-14T23:59:59.999Z' },
      subscription_cancelled: { effectiveAt: '2026-12-31T00:00:00Z' },
      decision_delayed: { decisionDeadline: '2026-12-10T23:59:59.999Z' },
    };
    const subjects = new Set<string>();
    for (const [kind, d] of Object.entries(data) as [CustomerEmailKind, Record<string, unknown>][]) {
      const out = renderCustomerEmail({ kind, orderId: ref.orderId, data: d }, ctx);
      assert.match(out.subject, /ord-42/, kind);
      assert.match(out.text, /ord-42/, kind);
      assert.match(out.html, /^<!doctype html>/, kind);
      assert.match(out.text, /help@shop\.example/, `${kind} tells the customer where to write`);
      subjects.add(out.subject);
    }
    assert.equal(subjects.size, Object.keys(data).length, 'each message has its own subject');
  });

  it('a cancellation the policy makes at once says access ends now, not at the period end', () => {
    const now = renderCustomerEmail(
      {
        kind: 'subscription_cancelled',
        orderId: 'ord-1',
        data: { effectiveAt: '2026-12-01T10:00:00Z', immediately: true },
      },
      ctx,
    );
    assert.match(now.text, /access ends now/);
    assert.doesNotMatch(now.text, /end of the period you paid for/);
    const later = renderCustomerEmail(
      { kind: 'subscription_cancelled', orderId: 'ord-1', data: { effectiveAt: '2026-12-31T00:00:00Z' } },
      ctx,
    );
    assert.match(later.text, /end of the period you paid for/);
  });

  it('the day-3 notice tells the customer the request takes longer and by when the answer comes', () => {
    const out = renderCustomerEmail(
      { kind: 'decision_delayed', orderId: 'ord-1', data: { decisionDeadline: '2026-12-10T23:59:59.999Z' } },
      ctx,
    );
    assert.match(out.subject, /taking longer/);
    assert.match(out.text, /still on it/);
    assert.match(out.text, /2026/);
  });

  it('a decision states the amount in the currency and explains it in the customer’s words, not support’s', () => {
    const out = renderCustomerEmail(
      {
        kind: 'decision',
        orderId: 'ord-1',
        data: {
          outcome: 'partial_refund',
          amountMinor: 1250,
          currency: 'EUR',
          reasons: ['PRORATA_REMAINING_QUOTA'],
          explanations: [
            'The refund is the share of the price for the quota not yet used. 6 of 10 requests remain.',
          ],
        },
      },
      ctx,
    );
    assert.match(out.text, /€12\.50/);
    assert.match(out.text, /share of what you paid for that you had not used yet/);
    assert.doesNotMatch(
      out.text,
      /quota not yet used/,
      'support’s explanations are not the customer’s words',
    );
    assert.doesNotMatch(out.text, /PRORATA_REMAINING_QUOTA/);
    assert.match(out.html, /<li>It covers the share of what you paid for that you had not used yet\.<\/li>/);

    const denied = renderCustomerEmail(
      { kind: 'decision', orderId: 'ord-1', data: { outcome: 'denied', reasons: ['WINDOW_EXPIRED'] } },
      ctx,
    );
    assert.match(denied.text, /cannot refund/);
    assert.match(denied.text, /after the time allowed for refund requests had ended/);
    const yen = renderCustomerEmail(
      { kind: 'payout_sent', orderId: 'o', data: { amountMinor: 500, currency: 'JPY' } },
      ctx,
    );
    assert.match(yen.text, /¥500/, 'a zero-decimal currency is not divided by 100');
  });

  it('asks for information in words a customer understands', () => {
    const out = renderCustomerEmail(
      {
        kind: 'information_requested',
        orderId: 'o',
        data: { items: ['logs', 'kyc'], note: 'The last week is enough.' },
      },
      ctx,
    );
    assert.match(out.text, / {2}- logs from the time of the problem\n {2}- proof of identity/);
    assert.match(out.text, /The last week is enough\./);
    assert.doesNotMatch(out.text, /kyc/);
  });

  it('escapes HTML in anything that came from outside', () => {
    const out = renderCustomerEmail(
      { kind: 'information_requested', orderId: '<b>x</b>', data: { note: '<script>alert(1)</script>' } },
      ctx,
    );
    assert.doesNotMatch(out.html, /<script>/);
    assert.match(out.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(out.text, /<script>alert\(1\)<\/script>/, 'the text part keeps the words as written');
  });

  it('refuses data a template cannot render', () => {
    assert.throws(
      () => renderCustomerEmail({ kind: 'decision', orderId: 'o', data: { outcome: 'maybe' } }, ctx),
      /outcome/,
    );
    assert.throws(
      () =>
        renderCustomerEmail(
          { kind: 'payout_sent', orderId: 'o', data: { amountMinor: 1.5, currency: 'USD' } },
          ctx,
        ),
      /amountMinor/,
    );
  });

  it('renders every support notice with what to do and the facts attached', () => {
    const data: Record<SupportNoticeKind, Record<string, unknown>> = {
      escalation: { deadlines: { decisionDeadline: '2026-11-30T17:00:00Z' } },
      payout_failed: { failureReason: 'expired_or_canceled_card', amountMinor: 900, currency: 'USD' },
      chargeback: {},
      needs_review: { reasons: ['NEEDS_TECHNICAL_REVIEW'] },
    };
    for (const [kind, d] of Object.entries(data) as [SupportNoticeKind, Record<string, unknown>][]) {
      const out = renderSupportNotice(
        { ...ref, kind, idempotencyKey: 'k', reason: `reason for ${kind}`, data: d },
        { caseLinkBase: 'https://support.example/ui/' },
      );
      assert.match(out.subject, new RegExp(`\\[${kind.replace('_', ' ')}\\] Order ord-42`));
      assert.match(out.text, /https:\/\/support\.example\/ui\/cases\/ord-42/);
    }
    const failed = renderSupportNotice(
      { ...ref, kind: 'payout_failed', idempotencyKey: 'k', reason: 'r', data: data.payout_failed },
      {},
    );
    assert.match(failed.text, /the card is expired or was cancelled \(expired_or_canceled_card\)/);
    assert.match(failed.text, /\$9\.00/);
    const escalation = renderSupportNotice(
      {
        ...ref,
        kind: 'escalation',
        idempotencyKey: 'k',
        reason: 'decision deadline passed',
        data: data.escalation,
      },
      {},
    );
    assert.match(escalation.text, /decision deadline: 30 November 2026 at 17:00 UTC/);
  });
});

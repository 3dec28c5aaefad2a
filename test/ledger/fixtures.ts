// Ledger rows with known figures, for the report tests (ledger and API). March 2026: proxy-strict
// (7 business days) and usage-prorata (3 calendar days) cases, three currencies, both kinds of
// outcome, a late decision, a late payout, a case escalated twice, and rows just outside the window.
import type { NewLedgerRow } from '../../ledger/schema';

const HOUR = 3_600_000;

export function row(
  orderId: string,
  kind: NewLedgerRow['kind'],
  occurredAt: string,
  { n = 0, ...extra }: Partial<NewLedgerRow> & { n?: number } = {},
): NewLedgerRow {
  return {
    event_key: `${orderId}:${kind}:${n}`,
    order_id: orderId,
    kind,
    occurred_at: occurredAt,
    policy_id: 'proxy-strict',
    policy_version: '1',
    reason_codes: '[]',
    actor_role: 'system',
    recorded_at: occurredAt,
    ...extra,
  };
}

const plus = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * HOUR).toISOString();

/** A request and its decision `hours` later, judged against `deadline` (default: well after). */
export function decided(
  orderId: string,
  requestedAt: string,
  hours: number,
  extra: Partial<NewLedgerRow> & { outcome: string },
): NewLedgerRow[] {
  const at = plus(requestedAt, hours);
  return [
    row(orderId, 'requested', requestedAt, { policy_id: extra.policy_id ?? 'proxy-strict' }),
    row(orderId, 'decided', at, {
      requested_at: requestedAt,
      deadline_at: plus(requestedAt, 24 * 9),
      ...extra,
    }),
  ];
}

export const MARCH = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

/** The rows, and what the March summary must say about them. */
export function marchRows(): NewLedgerRow[] {
  return [
    // proxy-strict: 10 h, 20 h, 30 h (the last after its deadline); p50 20 h, p90 30 h
    ...decided('o1', '2026-03-02T00:00:00.000Z', 10, {
      outcome: 'full_refund',
      amount_minor: 1000,
      currency: 'USD',
    }),
    ...decided('o2', '2026-03-02T00:00:00.000Z', 20, {
      outcome: 'denied',
      reason_codes: '["WINDOW_EXPIRED","ABUSE_SUSPECTED"]',
    }),
    ...decided('o3', '2026-03-03T00:00:00.000Z', 30, {
      outcome: 'partial_refund',
      amount_minor: 500,
      currency: 'EUR',
      deadline_at: '2026-03-04T00:00:00.000Z',
    }),
    // handed to a person: an outcome, but no decision time
    ...decided('o6', '2026-03-05T00:00:00.000Z', 1, { outcome: 'needs_review' }),
    row('o6', 'escalated', '2026-03-05T01:00:00.000Z', { reason_codes: '["DISCRETIONARY_REVIEW"]' }),
    row('o6', 'escalated', '2026-03-12T01:00:00.000Z', { n: 1 }),
    row('o2', 'escalated', '2026-03-03T00:00:00.000Z'),
    // usage-prorata: 5 h and 40 h; p50 5 h, p90 40 h
    ...decided('o4', '2026-03-04T00:00:00.000Z', 5, {
      policy_id: 'usage-prorata',
      outcome: 'credit',
      amount_minor: 700,
      currency: 'JPY',
    }),
    ...decided('o5', '2026-03-04T00:00:00.000Z', 40, {
      policy_id: 'usage-prorata',
      outcome: 'denied',
      reason_codes: '["WINDOW_EXPIRED"]',
    }),
    // money out: o1 on time, o3 after its payout limit, o4 as credit, o7 decided in February
    row('o1', 'paid', '2026-03-03T00:00:00.000Z', {
      amount_minor: 1000,
      currency: 'USD',
      deadline_at: '2026-03-20T00:00:00.000Z',
    }),
    row('o3', 'paid', '2026-03-25T00:00:00.000Z', {
      amount_minor: 500,
      currency: 'EUR',
      deadline_at: '2026-03-18T00:00:00.000Z',
    }),
    row('o4', 'credited', '2026-03-04T05:00:00.000Z', {
      policy_id: 'usage-prorata',
      amount_minor: 700,
      currency: 'JPY',
    }),
    row('o7', 'paid', '2026-03-01T00:00:00.000Z', { amount_minor: 250, currency: 'USD' }),
    // the payout limit fired for o8 (a payout_failed at its deadline)
    row('o8', 'payout_failed', '2026-03-10T00:00:00.000Z', { deadline_at: '2026-03-10T00:00:00.000Z' }),
    // a gateway refusal well before its limit is not past the limit
    row('o9', 'payout_failed', '2026-03-10T00:00:00.000Z', { deadline_at: '2026-03-24T00:00:00.000Z' }),
    // outside the window: the last February millisecond and the first April instant
    ...decided('o7', '2026-02-27T00:00:00.000Z', 1, {
      outcome: 'full_refund',
      amount_minor: 250,
      currency: 'USD',
    }).map((r) => (r.kind === 'decided' ? { ...r, occurred_at: '2026-02-28T23:59:59.999Z' } : r)),
    row('o10', 'requested', '2026-04-01T00:00:00.000Z'),
  ];
}

// The case ledger: an append-only read model of the case events that matter to money and
// promises. Temporal's visibility cannot sum money or group by reason; this table can. One row
// per event, written once by an activity (the unique event_key makes a retried write a no-op)
// and rebuildable from the histories (`refundflow ledger backfill`). No customer personal data:
// order ids, policy ids, amounts, reason codes and staff actors only, as in Temporal history.
import type { Generated, Selectable, Insertable } from 'kysely';

/** What happened. The workflow decides which of its events are worth a row. */
export const LEDGER_KINDS = [
  'opened', // the case started for an order
  'requested', // the customer asked for a refund
  'issue_reported', // a technical issue was reported (the remediation clock starts)
  'escalated', // the case went to a person (reason codes say why)
  'decided', // an outcome: approved / partial / denied / … with amount and reason codes
  'paid', // the gateway confirmed a refund to the original payment method
  'credited', // the refund went out as account credit
  'payout_failed', // the gateway refused or the payout limit passed
  'withdrawn', // the customer withdrew the request
  'disputed', // the customer disputed a denial
  'chargeback_opened',
  'chargeback_closed',
  'expired', // the window ran out with nothing asked
  'closed', // the case ended
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEventsTable {
  id: Generated<number>;
  /** `${orderId}:${kind}:${n}` — unique: the write is idempotent, a retry or a backfill changes nothing. */
  event_key: string;
  order_id: string;
  kind: LedgerKind;
  /** Workflow time of the event, ISO 8601 UTC with milliseconds (sorts as text on both stores). */
  occurred_at: string;
  policy_id: string;
  policy_version: string;
  /** Decision outcome on `decided` rows (`approved`, `partially_approved`, `denied`, …). */
  outcome: string | null;
  amount_minor: number | null;
  currency: string | null;
  /** JSON array of reason codes (DESIGN's codes), `[]` when none. */
  reason_codes: string;
  /** Who acted: `system`, or the staff role and key id (never the customer's identity). */
  actor_role: string;
  actor_id: string | null;
  /** When the case was asked (on `decided` rows): decision time = occurred_at − requested_at. */
  requested_at: string | null;
  /** The promise in force: the decision or payout deadline the event is judged against. */
  deadline_at: string | null;
  /** Wall-clock time the row was written (not part of the record; for operators). */
  recorded_at: string;
}

export interface LedgerDatabase {
  ledger_events: LedgerEventsTable;
}

export type LedgerRow = Selectable<LedgerEventsTable>;
export type NewLedgerRow = Insertable<LedgerEventsTable>;

// The activity contract between the refund case workflow and the outside world.
// Plain types only: workflows/ imports this module for types, activities/ implements it.
// Every call that changes something carries an idempotencyKey derived from the workflow id,
// so a retried activity never produces a second email, credit or refund.

// The payment methods are the policy's (one list, PAYMENT_METHODS): a type-only import.
import type { AccountFacts } from '../policies/account-facts';
import type { PaymentMethod } from '../policies/input';
import type { NewLedgerRow } from '../ledger/schema';
import type { PackedLedgerRows } from './ledger-pack';

export type { PaymentMethod };

export interface CaseRef {
  orderId: string;
  customerId: string;
}

/** What billing knows about the customer and the order at a given moment (policies/account-facts.ts). */
export type AccountSnapshot = AccountFacts;

export type CustomerEmailKind =
  | 'request_received'
  | 'information_requested'
  | 'decision'
  | 'payout_sent'
  | 'payout_settled'
  | 'decision_delayed'
  | 'payout_delayed'
  | 'subscription_cancelled';

export interface CustomerEmail extends CaseRef {
  kind: CustomerEmailKind;
  idempotencyKey: string;
  /** The customer's address; when absent the activity asks billing for the customer's contact. */
  to?: string;
  /** Facts the template renders: outcome, amounts, reasons, deadlines. */
  data: Record<string, unknown>;
}

export type SupportNoticeKind = 'escalation' | 'payout_failed' | 'chargeback' | 'needs_review';

export interface SupportNotice extends CaseRef {
  kind: SupportNoticeKind;
  idempotencyKey: string;
  reason: string;
  data: Record<string, unknown>;
}

export interface MoneyMovement extends CaseRef {
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
}

export interface CreateRefund extends MoneyMovement {
  paymentMethod: PaymentMethod;
  /** The charge or payment reference at the gateway, when checkout supplied one. */
  paymentReference?: string;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

export interface RefundResult {
  refundId: string;
  status: RefundStatus;
  /** Stripe-style failure reason, e.g. expired_or_canceled_card, when status is failed. */
  failureReason?: string;
}

/** A refund the gateway holds for an order, with the idempotency key it was created with when known. */
export interface GatewayRefund extends RefundResult {
  idempotencyKey?: string;
  amountMinor: number;
  currency: string;
}

/** Stable ApplicationFailure types that activities throw for permanent business failures. */
export const NonRetryableErrors = {
  UnsupportedPaymentMethod: 'UnsupportedPaymentMethod',
  RefundRejected: 'RefundRejected',
  UnknownOrder: 'UnknownOrder',
  InvalidRecipient: 'InvalidRecipient',
  /** The mail server refused the message itself (5xx after the recipients were accepted). */
  EmailRejected: 'EmailRejected',
  /** A peer refused the request as malformed, or an idempotency key was reused with other parameters. */
  InvalidRequest: 'InvalidRequest',
  /** The gateway does not know the refund id asked about. */
  UnknownRefund: 'UnknownRefund',
} as const;
export type NonRetryableErrorType = (typeof NonRetryableErrors)[keyof typeof NonRetryableErrors];

/** A case ledger row as the workflow writes it (ledger/schema.ts); the activity stamps recorded_at. */
export type LedgerEntry = Omit<NewLedgerRow, 'id' | 'recorded_at'> & { reason_codes: string };

/**
 * What appendLedger answers. It never throws for the ledger's sake: a ledger that is down answers
 * `written: false` and the case retries later. The rows come back so that they are recorded in the
 * case's history (a local activity's input is not; its result is), where the backfill finds them:
 * packed (activities/ledger-pack.ts); histories recorded before the packing hold them whole.
 */
export interface LedgerAppendResult {
  written: boolean;
  /** Rows new to the ledger (a retried batch counts only what was missing). */
  inserted: number;
  packed?: PackedLedgerRows;
  /** The rows whole: histories recorded before the packing (the workflow never reads them). */
  rows?: LedgerEntry[];
  error?: string;
}

/** The shape createActivities(deps) returns; the workflow proxies this type. */
export interface RefundActivities {
  getAccountSnapshot(ref: CaseRef): Promise<AccountSnapshot>;
  sendCustomerEmail(email: CustomerEmail): Promise<{ messageId: string }>;
  notifySupport(notice: SupportNotice): Promise<{ messageId: string }>;
  withdrawAccess(input: CaseRef & { idempotencyKey: string }): Promise<void>;
  issueCredit(input: MoneyMovement): Promise<{ creditId: string }>;
  grantServiceExtension(
    input: CaseRef & { days: number; idempotencyKey: string },
  ): Promise<{ extensionId: string }>;
  cancelSubscriptionAtPeriodEnd(
    input: CaseRef & { periodEnd: string; idempotencyKey: string },
  ): Promise<void>;
  createRefund(input: CreateRefund): Promise<RefundResult>;
  getRefundStatus(input: { refundId: string }): Promise<RefundResult>;
  /** Every refund the gateway holds for the order: the case looks before any new payout attempt. */
  findRefunds(input: { orderId: string; paymentReference?: string }): Promise<GatewayRefund[]>;
  /** Appends the case's ledger rows (idempotent by event_key); a local activity, batched per workflow task. */
  appendLedger(input: { rows: LedgerEntry[] }): Promise<LedgerAppendResult>;
}

// The sandbox gateway's public shapes (a refund as the gateway keeps it, a webhook event), its
// rows as SQLite returns them, and the mapping between the two.
import type { PaymentMethod, RefundResult, RefundStatus } from '../contract';

export interface SandboxRefund extends RefundResult {
  idempotencyKey: string;
  orderId: string;
  customerId: string;
  amountMinor: number;
  currency: string;
  paymentMethod: PaymentMethod;
  paymentReference?: string;
  createdAt: string;
  settledAt?: string;
}

export interface SandboxWebhookEvent {
  eventId: string;
  refundId: string;
  body: string;
  attempts: number;
  deliveredAt?: string;
  lastError?: string;
}

export interface RefundRow {
  refund_id: string;
  idempotency_key: string;
  order_id: string;
  customer_id: string;
  amount_minor: number;
  currency: string;
  payment_method: PaymentMethod;
  payment_reference: string | null;
  status: RefundStatus;
  failure_reason: string | null;
  created_at: string;
  settled_at: string | null;
}

export const toRefund = (r: RefundRow): SandboxRefund => ({
  refundId: r.refund_id,
  status: r.status,
  ...(r.failure_reason ? { failureReason: r.failure_reason } : {}),
  idempotencyKey: r.idempotency_key,
  orderId: r.order_id,
  customerId: r.customer_id,
  amountMinor: r.amount_minor,
  currency: r.currency,
  paymentMethod: r.payment_method,
  ...(r.payment_reference ? { paymentReference: r.payment_reference } : {}),
  createdAt: r.created_at,
  ...(r.settled_at ? { settledAt: r.settled_at } : {}),
});

export interface EventRow {
  event_id: string;
  refund_id: string;
  body: string;
  attempts: number;
  delivered_at: string | null;
  last_error: string | null;
}

export const toEvent = (r: EventRow): SandboxWebhookEvent => ({
  eventId: r.event_id,
  refundId: r.refund_id,
  body: r.body,
  attempts: r.attempts,
  ...(r.delivered_at ? { deliveredAt: r.delivered_at } : {}),
  ...(r.last_error ? { lastError: r.last_error } : {}),
});

// The embedded billing store's rows as SQLite returns them, and their mapping to the public shapes.
import type { BillingAction, BillingActionKind, BillingOrder } from './feed';

export interface OrderRow {
  order_id: string;
  customer_id: string;
  product_id: string | null;
  payment_method: string;
  amount_minor: number;
  currency: string;
  purchased_at: string;
  billing_kind: 'one_time' | 'subscription';
  period_start: string | null;
  period_end: string | null;
  quota_unit: string | null;
  quota_included: number | null;
  access: 'active' | 'withdrawn';
  access_withdrawn_at: string | null;
  cancel_at_period_end: number;
  extension_days: number;
  credited_minor: number;
  used: number | null;
  reported_at: string | null;
}

export const toOrder = (r: OrderRow): BillingOrder => ({
  orderId: r.order_id,
  customerId: r.customer_id,
  ...(r.product_id ? { productId: r.product_id } : {}),
  paymentMethod: r.payment_method,
  amountMinor: r.amount_minor,
  currency: r.currency,
  purchasedAt: r.purchased_at,
  billing:
    r.billing_kind === 'subscription'
      ? { kind: 'subscription', periodStart: r.period_start ?? '', periodEnd: r.period_end ?? '' }
      : { kind: 'one_time' },
  ...(r.quota_unit !== null && r.quota_included !== null
    ? { quota: { unit: r.quota_unit, included: r.quota_included } }
    : {}),
  ...(r.used !== null && r.reported_at !== null
    ? { usage: { used: r.used, reportedAt: r.reported_at } }
    : {}),
  access: r.access,
  ...(r.access_withdrawn_at ? { accessWithdrawnAt: r.access_withdrawn_at } : {}),
  cancelAtPeriodEnd: r.cancel_at_period_end === 1,
  extensionDays: r.extension_days,
  creditedMinor: r.credited_minor,
});

export interface ActionRow {
  action_id: string;
  idempotency_key: string;
  kind: BillingActionKind;
  order_id: string;
  customer_id: string;
  amount_minor: number | null;
  currency: string | null;
  days: number | null;
  period_end: string | null;
  created_at: string;
}

export const toAction = (r: ActionRow): BillingAction => ({
  actionId: r.action_id,
  idempotencyKey: r.idempotency_key,
  kind: r.kind,
  orderId: r.order_id,
  customerId: r.customer_id,
  ...(r.amount_minor !== null ? { amountMinor: r.amount_minor } : {}),
  ...(r.currency !== null ? { currency: r.currency } : {}),
  ...(r.days !== null ? { days: r.days } : {}),
  ...(r.period_end !== null ? { periodEnd: r.period_end } : {}),
  createdAt: r.created_at,
});

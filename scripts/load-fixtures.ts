// Orders and billing for load: clean orders that usage-prorata refunds in full, mechanically, the
// billing store seeded for them, and a bounded pool to push them through. Shared by the bench
// (scripts/bench) and the reliability suites (test/reliability), which run the same paid path.
import path from 'node:path';
import { EmbeddedBillingStore, embeddedFiles } from '../activities';
import { OrderSchema, type Order } from '../policies';

let counter = 0;
/** An order usage-prorata refunds in full: invoiced an hour ago, 10,000 requests included, none used. */
export function cleanOrder(label: string, overrides: Partial<Order> = {}): Order {
  counter += 1;
  const at = new Date(Date.now() - 3_600_000).toISOString();
  return OrderSchema.parse({
    orderId: `${label}-${process.pid}-${Date.now().toString(36)}-${counter}`,
    customerId: `cus-${label}-${counter}`,
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 2_500,
    currency: 'USD',
    purchasedAt: at,
    invoicedAt: at,
    productId: 'api-plan-10k',
    billing: { kind: 'one_time' },
    quota: { unit: 'requests', included: 10_000 },
    ...overrides,
  });
}

/** Feeds billing the orders, a customer address (so every email is really sent) and zero usage. */
export function seedBilling(dataDir: string, orders: readonly Order[]): void {
  const billing = EmbeddedBillingStore.open(path.join(dataDir, embeddedFiles.billing));
  try {
    for (const o of orders) {
      billing.upsertOrder({
        orderId: o.orderId,
        customerId: o.customerId,
        customerEmail: `${o.customerId}@customer.example`,
        ...(o.productId ? { productId: o.productId } : {}),
        paymentMethod: o.paymentMethod,
        amountMinor: o.amountMinor,
        currency: o.currency,
        purchasedAt: o.purchasedAt,
        billing: o.billing,
        ...(o.quota ? { quota: o.quota } : {}),
      } as Parameters<EmbeddedBillingStore['upsertOrder']>[0]);
      billing.recordUsage({ orderId: o.orderId, used: 0, reportedAt: new Date().toISOString() });
    }
  } finally {
    void billing.close();
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inPool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

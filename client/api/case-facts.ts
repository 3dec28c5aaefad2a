// The order's facts support wants beside a case (purchase date, product, payment method, channel,
// the customer's email), read from billing when the case is read and never stored in Temporal:
// they are personal data and billing's to keep. Billing failing or slow leaves them out; it never
// fails the case read.
import type { BillingOrder, CustomerContact } from '../../activities';

/** What the API reads from billing (the embedded store has them; see activities/billing/sqlite.ts). */
export interface OrderFactsSource {
  getOrder(orderId: string): BillingOrder | undefined;
  getCustomerContact(ref: { orderId: string; customerId: string }): Promise<CustomerContact>;
  /** The orders of the customer(s) with this email, newest first, at most `limit`. */
  orderIdsByEmail(email: string, limit?: number): string[];
}

export interface OrderFacts {
  purchasedAt?: string;
  /** Billing knows products by id only; a name appears when billing has one. */
  productName?: string;
  paymentMethod?: string;
  /** Billing does not record the sales channel today; absent until it does. */
  channel?: string;
  customerEmail?: string;
  /** Billing could not be read (down, slow, or not reachable from the API): the facts are missing, not empty. */
  billingUnavailable?: true;
}

/** How long a case read waits for billing before answering without its facts. */
export const FACTS_TIMEOUT_MS = 1_500;

export async function readOrderFacts(
  source: OrderFactsSource | undefined,
  orderId: string,
  timeoutMs = FACTS_TIMEOUT_MS,
): Promise<OrderFacts> {
  if (!source) return { billingUnavailable: true };
  let timer: NodeJS.Timeout | undefined;
  const read = async (): Promise<OrderFacts> => {
    const order = source.getOrder(orderId);
    if (!order) return {};
    const contact = await source.getCustomerContact({ orderId, customerId: order.customerId });
    return {
      purchasedAt: order.purchasedAt,
      paymentMethod: order.paymentMethod,
      ...(contact.email ? { customerEmail: contact.email } : {}),
    };
  };
  try {
    return await Promise.race([
      read(),
      new Promise<OrderFacts>((resolve) => {
        timer = setTimeout(() => resolve({ billingUnavailable: true }), timeoutMs);
      }),
    ]);
  } catch {
    // Billing's failure is billing's: the case is still readable without its facts.
    return { billingUnavailable: true };
  } finally {
    clearTimeout(timer);
  }
}

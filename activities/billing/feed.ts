// What feeds the embedded billing store (checkout's orders, customer flags; usage reports come
// from the port) and what it hands back (orders with their standing, the actions cases took).
// The API, the CLI and the simulator validate with these schemas before they write.
import { z } from 'zod';
import { PaymentMethodSchema } from '../../policies/input';

/** What checkout tells billing about an order (the case's order, plus the contact). */
export const billingOrderSchema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  customerEmail: z.email().optional(),
  customerName: z.string().optional(),
  productId: z.string().optional(),
  paymentMethod: PaymentMethodSchema,
  amountMinor: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  purchasedAt: z.iso.datetime({ offset: true }),
  billing: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('one_time') }),
      z.object({
        kind: z.literal('subscription'),
        periodStart: z.iso.datetime({ offset: true }),
        periodEnd: z.iso.datetime({ offset: true }),
      }),
    ])
    .default({ kind: 'one_time' }),
  quota: z.object({ unit: z.string().min(1), included: z.number().nonnegative() }).optional(),
});
export type BillingOrderInput = z.input<typeof billingOrderSchema>;

export const customerFlagsSchema = z.object({
  customerId: z.string().min(1),
  termsViolation: z.boolean().optional(),
  abuseSuspected: z.boolean().optional(),
  email: z.email().optional(),
  name: z.string().optional(),
});
export type CustomerFlags = z.input<typeof customerFlagsSchema>;

export interface BillingOrder {
  orderId: string;
  customerId: string;
  productId?: string;
  paymentMethod: string;
  amountMinor: number;
  currency: string;
  purchasedAt: string;
  billing: { kind: 'one_time' } | { kind: 'subscription'; periodStart: string; periodEnd: string };
  quota?: { unit: string; included: number };
  usage?: { used: number; reportedAt: string };
  access: 'active' | 'withdrawn';
  accessWithdrawnAt?: string;
  cancelAtPeriodEnd: boolean;
  extensionDays: number;
  creditedMinor: number;
}

export type BillingActionKind = 'access_withdrawal' | 'credit' | 'service_extension' | 'cancellation';

export interface BillingAction {
  actionId: string;
  idempotencyKey: string;
  kind: BillingActionKind;
  orderId: string;
  customerId: string;
  amountMinor?: number;
  currency?: string;
  days?: number;
  periodEnd?: string;
  createdAt: string;
}

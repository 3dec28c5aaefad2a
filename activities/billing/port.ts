// The billing port: what the case reads from and asks of the company's billing system.
// Every write carries an idempotency key; billing applies each key once.
import { z } from 'zod';
import type { AccountSnapshot, CaseRef, MoneyMovement } from '../contract';

/**
 * A usage report: the cumulative amount used so far, in the order's quota unit (so a repeated
 * report changes nothing). The API and CLI feed it to the embedded store; the HTTP billing
 * service keeps its own.
 */
export const usageReportSchema = z.object({
  orderId: z.string().min(1),
  used: z.number().nonnegative(),
  reportedAt: z.iso.datetime({ offset: true }),
});
export type UsageReport = z.input<typeof usageReportSchema>;

export interface CustomerContact {
  email?: string;
  name?: string;
}

export interface BillingPort {
  /** Usage against quota and account standing; UnknownOrder when billing has no such order. */
  getAccountSnapshot(ref: CaseRef): Promise<AccountSnapshot>;
  /** Where customer emails go; an empty object when billing has no address on file. */
  getCustomerContact(ref: CaseRef): Promise<CustomerContact>;
  withdrawAccess(input: CaseRef & { idempotencyKey: string }): Promise<void>;
  issueCredit(input: MoneyMovement): Promise<{ creditId: string }>;
  grantServiceExtension(
    input: CaseRef & { days: number; idempotencyKey: string },
  ): Promise<{ extensionId: string }>;
  cancelSubscriptionAtPeriodEnd(
    input: CaseRef & { periodEnd: string; idempotencyKey: string },
  ): Promise<void>;
  close?(): Promise<void>;
}

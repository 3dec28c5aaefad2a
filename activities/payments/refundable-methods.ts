// Which original payment methods a card gateway can send money back to. Crypto has no
// reversal, and account credit never went through the gateway; both need another route.
import type { PaymentMethod } from '../contract';
import { NonRetryableErrors } from '../contract';
import { permanentFailure } from '../errors';

export const gatewayRefundableMethods: readonly PaymentMethod[] = ['card', 'paypal', 'bank_transfer'];

export function assertGatewayRefundable(
  method: PaymentMethod,
  refundable: readonly PaymentMethod[] = gatewayRefundableMethods,
): void {
  if (!refundable.includes(method)) {
    throw permanentFailure(
      NonRetryableErrors.UnsupportedPaymentMethod,
      `Payments made by ${method.replace(/_/g, ' ')} cannot be refunded through the gateway`,
      {
        paymentMethod: method,
      },
    );
  }
}

/** Amounts are integer minor units and a refund moves money one way only. */
export function assertRefundAmount(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw permanentFailure(
      NonRetryableErrors.InvalidRequest,
      `A refund amount must be a positive integer of minor units, not ${amountMinor}`,
    );
  }
}

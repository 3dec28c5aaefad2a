// The payments port: refunds to the original payment method at a gateway.
import type { CreateRefund, GatewayRefund, RefundResult } from '../contract';

export interface PaymentsPort {
  /** Creates the refund, or returns the one already created for `idempotencyKey`. */
  createRefund(request: CreateRefund): Promise<RefundResult>;
  getRefund(refundId: string): Promise<RefundResult>;
  /** The refunds the gateway holds for an order (oldest first), so a payout whose outcome was unknown is found. */
  findRefunds(query: { orderId: string; paymentReference?: string }): Promise<GatewayRefund[]>;
  close?(): Promise<void>;
}

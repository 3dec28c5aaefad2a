// The payments port: refunds to the original payment method at a gateway.
import type { CreateRefund, RefundResult } from '../contract';

export interface PaymentsPort {
  /** Creates the refund, or returns the one already created for `idempotencyKey`. */
  createRefund(request: CreateRefund): Promise<RefundResult>;
  getRefund(refundId: string): Promise<RefundResult>;
  close?(): Promise<void>;
}

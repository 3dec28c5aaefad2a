// Refund failure reasons, named as Stripe names them (Refund.failure_reason), with the plain
// words support reads in notices and the timeline.

export const refundFailureReasons = [
  'charge_for_pending_refund_disputed',
  'declined',
  'expired_or_canceled_card',
  'insufficient_funds',
  'lost_or_stolen_card',
  'merchant_request',
  'unknown',
] as const;
export type RefundFailureReason = (typeof refundFailureReasons)[number];

const plainWords: Record<RefundFailureReason, string> = {
  charge_for_pending_refund_disputed: 'the customer disputed the charge while the refund was pending',
  declined: "the customer's bank declined the refund",
  expired_or_canceled_card: 'the card is expired or was cancelled',
  insufficient_funds: 'the merchant balance could not cover the refund',
  lost_or_stolen_card: 'the card was reported lost or stolen',
  merchant_request: 'the refund was cancelled at the merchant’s request',
  unknown: 'the gateway did not say why',
};

export function isRefundFailureReason(value: string): value is RefundFailureReason {
  return (refundFailureReasons as readonly string[]).includes(value);
}

export function describeFailureReason(reason: string): string {
  return isRefundFailureReason(reason) ? plainWords[reason] : reason.replace(/_/g, ' ');
}

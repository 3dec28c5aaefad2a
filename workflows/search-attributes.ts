import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes every refund case upserts on each transition, so support can
// list and filter cases through Temporal visibility. Registered by the embedded stack and
// the test harness (see worker/search-attributes.ts); a cluster registers them once with
// `temporal operator search-attribute create`.
export const statusKey = defineSearchAttributeKey('RefundStatus', SearchAttributeType.KEYWORD);
export const policyKey = defineSearchAttributeKey('RefundPolicyId', SearchAttributeType.KEYWORD);
export const customerKey = defineSearchAttributeKey('RefundCustomerId', SearchAttributeType.KEYWORD);
export const productKey = defineSearchAttributeKey('RefundProductId', SearchAttributeType.KEYWORD);
export const purchasedAtKey = defineSearchAttributeKey('RefundPurchasedAt', SearchAttributeType.DATETIME);
export const nextDeadlineKey = defineSearchAttributeKey('RefundNextDeadline', SearchAttributeType.DATETIME);
export const outcomeKey = defineSearchAttributeKey('RefundOutcome', SearchAttributeType.KEYWORD);
export const escalatedKey = defineSearchAttributeKey('RefundEscalated', SearchAttributeType.BOOL);

export const refundSearchAttributes = [
  statusKey,
  policyKey,
  customerKey,
  productKey,
  purchasedAtKey,
  nextDeadlineKey,
  outcomeKey,
  escalatedKey,
] as const;

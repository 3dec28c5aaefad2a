// Listing and counting cases through Temporal visibility, from the search attributes alone.
import { ServiceError, isGrpcServiceError } from '@temporalio/client';
// Not re-exported by the package index; the client's own list uses it for the same rows.
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { optionalTsToDate, requiredTsToDate } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { CASE_STATUSES, orderIdFromWorkflowId, type CaseStatus } from '../workflows/case-state';
import {
  customerKey,
  escalatedKey,
  nextDeadlineKey,
  outcomeKey,
  policyKey,
  productKey,
  purchasedAtKey,
  statusKey,
} from '../workflows/search-attributes';
import type { RefundCases } from './refund-client';

export interface CaseSummary {
  orderId: string;
  workflowId: string;
  status?: CaseStatus;
  policyId?: string;
  customerId?: string;
  productId?: string;
  outcome?: string;
  escalated: boolean;
  nextDeadline?: string;
  purchasedAt?: string;
  startedAt: string;
  closedAt?: string;
}

export interface ListFilter {
  status?: CaseStatus;
  policyId?: string;
  customerId?: string;
  productId?: string;
  escalated?: boolean;
  /** Only cases whose next deadline falls before this time ("due soon"). */
  dueBefore?: string;
  /** Only cases purchased in this range (incidents). */
  purchasedFrom?: string;
  purchasedTo?: string;
  /** Only running workflows. */
  openOnly?: boolean;
  limit?: number;
}

const quote = (value: string): string => {
  // Visibility stores reject control characters with an error that looks like an outage.
  if (/\p{Cc}/u.test(value)) throw new RangeError('list filter values may not contain control characters');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
};

/**
 * Lists cases through Temporal visibility, newest first, from search attributes alone.
 * It reads the raw visibility rows: the SDK's list decodes every row's memo, so one memo sealed
 * with a key this client does not hold (a rotated-out key, another deployment's case) would fail
 * the whole page. Search attributes are never encrypted; the memo is not needed for a summary.
 */
export async function list(cases: RefundCases, filter: ListFilter = {}): Promise<CaseSummary[]> {
  const limit = filter.limit ?? 100;
  const summaries: CaseSummary[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await cases.client.workflowService
      .listWorkflowExecutions({
        namespace: cases.client.options.namespace,
        query: listQuery(filter),
        pageSize: Math.min(limit - summaries.length, 1000),
        nextPageToken,
      })
      .catch((err: unknown) => {
        // The raw service call throws gRPC errors as they come; callers (the API's 503) expect the SDK's.
        if (isGrpcServiceError(err)) throw new ServiceError('listing cases failed', { cause: err });
        throw err;
      });
    for (const raw of page.executions) {
      summaries.push(summaryFromVisibility(raw));
      if (summaries.length >= limit) return summaries;
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return summaries;
}

export async function countFresh(
  cases: RefundCases,
  filter: Omit<ListFilter, 'status'>,
): Promise<Record<string, number>> {
  // One count per status: Temporal's visibility only groups by ExecutionStatus, not by a custom attribute.
  const base = listQuery(filter);
  const counts = await Promise.all(
    CASE_STATUSES.map(
      async (status) =>
        [
          status,
          (await cases.client.workflow.count(`${base} AND RefundStatus = ${quote(status)}`)).count,
        ] as const,
    ),
  );
  return Object.fromEntries(counts.filter(([, count]) => count > 0));
}

export function listQuery(filter: ListFilter): string {
  const clauses = [`WorkflowType = 'refundCase'`];
  if (filter.status) clauses.push(`RefundStatus = ${quote(filter.status)}`);
  if (filter.policyId) clauses.push(`RefundPolicyId = ${quote(filter.policyId)}`);
  if (filter.customerId) clauses.push(`RefundCustomerId = ${quote(filter.customerId)}`);
  if (filter.productId) clauses.push(`RefundProductId = ${quote(filter.productId)}`);
  if (filter.escalated !== undefined) clauses.push(`RefundEscalated = ${filter.escalated}`);
  if (filter.dueBefore) clauses.push(`RefundNextDeadline <= ${quote(filter.dueBefore)}`);
  if (filter.purchasedFrom) clauses.push(`RefundPurchasedAt >= ${quote(filter.purchasedFrom)}`);
  if (filter.purchasedTo) clauses.push(`RefundPurchasedAt <= ${quote(filter.purchasedTo)}`);
  if (filter.openOnly) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

function summaryFromVisibility(raw: temporal.api.workflow.v1.IWorkflowExecutionInfo): CaseSummary {
  const attrs = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
  const workflowId = raw.execution?.workflowId ?? '';
  const deadline = attrs.get(nextDeadlineKey);
  const purchasedAt = attrs.get(purchasedAtKey);
  const closedAt = optionalTsToDate(raw.closeTime);
  return {
    orderId: orderIdFromWorkflowId(workflowId),
    workflowId,
    status: attrs.get(statusKey) as CaseStatus | undefined,
    policyId: attrs.get(policyKey),
    customerId: attrs.get(customerKey),
    productId: attrs.get(productKey),
    outcome: attrs.get(outcomeKey),
    escalated: attrs.get(escalatedKey) ?? false,
    ...(deadline ? { nextDeadline: deadline.toISOString() } : {}),
    ...(purchasedAt ? { purchasedAt: purchasedAt.toISOString() } : {}),
    startedAt: requiredTsToDate(raw.startTime, 'startTime').toISOString(),
    ...(closedAt ? { closedAt: closedAt.toISOString() } : {}),
  };
}

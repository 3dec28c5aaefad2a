// Starting a case: idempotent per order (a repeat with the same body finds the case, another body
// conflicts), the policy pinned with its holidays where it counts business days, the search
// attributes set at the start.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Order, Policy } from '../policies';
import { countsBusinessDays, pinHolidays } from '../policies/holidays';
import { workflowIdForOrder, type StartCaseInput } from '../workflows/case-state';
import type { Actor } from '../workflows/messages';
import type { refundCase } from '../workflows/refund-case';
import {
  customerKey,
  escalatedKey,
  policyKey,
  productKey,
  purchasedAtKey,
  statusKey,
} from '../workflows/search-attributes';
import { CaseConflictError } from './case-errors';
import { caseFingerprint } from './fingerprint';
import type { RefundCases } from './refund-client';

/**
 * Starts the case for an order; a repeated start returns the existing case (created: false),
 * a start with another body throws CaseConflictError. Closed cases are never started again.
 */
export async function startCase(
  cases: RefundCases,
  policy: Policy,
  order: Order,
  startedBy?: Actor,
  options: { customerEmailDigest?: string } = {},
): Promise<{ created: boolean; workflowId: string; runId: string }> {
  const workflowId = workflowIdForOrder(order.orderId);
  // The case carries the public holidays of its years as data, so its business days never
  // depend on the holiday library the worker happens to run; a policy that never counts business
  // days carries none (~540 B of history per case; were one counted, the calendar refuses years
  // not pinned). The fingerprint is of the policy's id and version, so pinning never changes it.
  const pinned = countsBusinessDays(policy) ? pinHolidays(policy, order.purchasedAt) : policy;
  const fingerprint = caseFingerprint(pinned, order);
  const emailDigest = options.customerEmailDigest;
  // The prose stays out of the case's history: the workflow never reads it, and whoever shows it
  // reads the preset by the case's policy id and version.
  const { name: _name, summary: _summary, source: _source, ...rules } = pinned;
  const input: StartCaseInput = { policy: rules, order, fingerprint, ...(startedBy ? { startedBy } : {}) };
  const begin = (workflowIdReusePolicy: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE_FAILED_ONLY') =>
    cases.client.workflow.start<typeof refundCase>('refundCase', {
      taskQueue: cases.taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy,
      // The email's keyed digest, never the address: a repeat naming another email is a conflict.
      memo: { fingerprint, ...(emailDigest ? { customerEmailDigest: emailDigest } : {}) },
      typedSearchAttributes: [
        { key: statusKey, value: policy.allSalesFinal ? 'not_refundable' : 'open' },
        { key: policyKey, value: policy.id },
        { key: customerKey, value: order.customerId },
        { key: purchasedAtKey, value: new Date(order.purchasedAt) },
        { key: escalatedKey, value: false },
        ...(order.productId ? [{ key: productKey, value: order.productId }] : []),
      ],
    });
  try {
    const handle = await begin('REJECT_DUPLICATE');
    return { created: true, workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    let description = await cases.client.workflow.getHandle(workflowId).describe();
    if (description.status.name === 'FAILED' && typeof description.memo?.fingerprint !== 'string') {
      // A run without a sealed fingerprint that failed is a start forged straight to Temporal,
      // which the workflow refuses at once: it must not hold the order's case id for ever.
      try {
        const handle = await begin('ALLOW_DUPLICATE_FAILED_ONLY');
        return { created: true, workflowId, runId: handle.firstExecutionRunId };
      } catch (retryErr) {
        if (!(retryErr instanceof WorkflowExecutionAlreadyStartedError)) throw retryErr;
        description = await cases.client.workflow.getHandle(workflowId).describe();
      }
    }
    if (description.memo?.fingerprint !== fingerprint) throw new CaseConflictError(order.orderId);
    // A repeat without an email changes nothing; one with an email must name the same one.
    if (emailDigest && description.memo?.customerEmailDigest !== emailDigest)
      throw new CaseConflictError(order.orderId);
    return { created: false, workflowId, runId: description.runId };
  }
}

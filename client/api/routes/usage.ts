// PUT /v1/orders/:orderId/usage: checkout reports the cumulative usage of an order to the
// embedded billing store, which the case reads when the policy depends on usage (caps,
// pro-rata). With the HTTP billing adapter the billing service is the source of usage, so the
// route answers 501 rather than accept a figure no case would read. The case is told the figure on
// file, so a case waiting on usage (USAGE_UNKNOWN) decides again.
import type { UsageReport } from '../../../activities/billing/port';
import { CaseNotFoundError, type RefundCases } from '../../refund-client';
import { HttpError } from '../errors';
import { UsageReply } from '../responses';
import type { RouteTable } from '../route';
import { UsageBody } from '../requests';

/** The embedded billing store's usage feed. */
export interface UsageSink {
  /** Records a cumulative report; one older than the report on file changes nothing. */
  recordUsage(input: UsageReport): void;
  /** The order as billing knows it, with the usage on file; undefined for an unknown order. */
  getOrder(orderId: string): { usage?: { used: number; reportedAt: string } } | undefined;
}

export function registerUsageRoutes(
  routes: RouteTable,
  billing: UsageSink | undefined,
  cases: RefundCases,
): void {
  routes.add(
    {
      method: 'PUT',
      url: '/v1/orders/:orderId/usage',
      access: ['checkout'],
      tag: 'cases',
      summary:
        'Report the cumulative usage of an order (`used` in its quota unit, as of `reportedAt`) to the embedded billing store',
      body: UsageBody,
      reply: UsageReply,
      responses: {
        404: 'billing has no such order (start its case first)',
        501: 'billing is the HTTP billing service, which is the source of usage: report usage there',
      },
    },
    async ({ body, params, receivedAt }) => {
      const orderId = params.orderId ?? '';
      if (!billing)
        throw new HttpError(
          501,
          'usage is not reported here: the billing service (REFUNDFLOW_BILLING=http) is the source of usage',
        );
      if (!billing.getOrder(orderId)) throw new HttpError(404, `billing has no order ${orderId}`);
      billing.recordUsage({ orderId, ...body });
      const usage = billing.getOrder(orderId)?.usage;
      if (!usage) throw new Error(`usage of ${orderId} was recorded but cannot be read back`);
      await tellCase(cases, orderId, usage, receivedAt);
      return { orderId, usage };
    },
  );
}

/**
 * Tells the order's case the usage on file (cumulative; a retried report repeats a harmless signal).
 * A case that closed has nothing to decide; any other failure answers an error, and the report,
 * already recorded, can be sent again.
 */
async function tellCase(
  cases: RefundCases,
  orderId: string,
  usage: { used: number; reportedAt: string },
  receivedAt: string,
): Promise<void> {
  try {
    await cases.usageReported(orderId, { used: usage.used, reportedAt: usage.reportedAt }, { receivedAt });
  } catch (err) {
    if (err instanceof CaseNotFoundError || /already completed/i.test(String(err))) return;
    throw err;
  }
}

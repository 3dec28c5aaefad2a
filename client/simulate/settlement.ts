// The sandbox gateway's back office in a simulation: settle the refund as the scenario's gateway
// says, then deliver the `refund.updated` webhook to the case as the API's webhook route does
// (a paymentUpdate signal through the typed client). Runs as an activity of the settlement
// workflow (workflows.ts), so it happens at simulated time.
import type { RefundFailureReason } from '../../activities/payments/failure-reasons';
import type { SandboxGateway } from '../../activities/payments/sandbox';
import type { RefundWebhookEvent } from '../../activities/payments/webhook-event';
import { CaseNotFoundError, type RefundCases } from '../refund-client';

export interface SettlementActivities {
  settleSimulatedRefund(input: { orderId: string; refundId: string }): Promise<void>;
}

export interface SettlementTarget {
  gateway: SandboxGateway;
  settle: 'succeeded' | 'failed';
  failureReason: RefundFailureReason;
}

/** The latest instant a JavaScript Date can hold: every pending refund is due. */
const ALL_DUE = new Date(8.64e15);

export function createSettlementActivities(
  cases: RefundCases,
  target: (orderId: string) => SettlementTarget,
): SettlementActivities {
  return {
    async settleSimulatedRefund({ orderId, refundId }) {
      const { gateway, settle, failureReason } = target(orderId);
      gateway.settleDue(ALL_DUE, () =>
        settle === 'failed' ? { status: 'failed', failureReason } : { status: 'succeeded' },
      );
      for (const event of gateway.listWebhookEvents({ refundId }).filter((e) => !e.deliveredAt)) {
        const body = JSON.parse(event.body) as RefundWebhookEvent;
        try {
          await cases.paymentUpdate(orderId, {
            eventId: body.id,
            refundId: body.data.refundId,
            status: body.data.status,
            ...(body.data.failureReason ? { failureReason: body.data.failureReason } : {}),
          });
        } catch (err) {
          // As the webhook route: an event for a case that takes no signals is acknowledged.
          if (!(err instanceof CaseNotFoundError)) throw err;
        }
        gateway.markDelivered(event.eventId);
      }
    },
  };
}

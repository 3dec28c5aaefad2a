// Every scripted event reaches the case here, and only here: through the typed client the API
// uses, with the body of the event's HTTP route. Updates are started and awaited only until the
// workflow accepts or refuses them (the time-skipping server does not skip time while a client
// waits on an update, sdk-typescript#1549); their outcome is collected at the end.
// When the case's update handlers answer at once, the updates here can become the client's own
// write methods (cases.requestRefund(orderId, body, { updateId, receivedAt: atIso }), …), with
// CaseRejectedError as the refusal.
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type WorkflowUpdateHandle,
} from '@temporalio/client';
import type { EmbeddedBillingStore } from '../../activities/billing/sqlite';
import { CaseNotFoundError, type RefundCases } from '../refund-client';
import type { CaseAnswer } from '../../workflows/case-state';
import {
  cancelSubscriptionUpdate,
  decideUpdate,
  disputeUpdate,
  provideInformationUpdate,
  reportIssueUpdate,
  requestInformationUpdate,
  requestRefundUpdate,
  submitTechnicalReviewUpdate,
  withdrawUpdate,
  type Chargeback,
  type IncidentConfirmed,
} from '../../workflows/messages';
import type { EventType } from './scenario';

const UPDATES = {
  'refund-request': requestRefundUpdate,
  issue: reportIssueUpdate,
  'technical-review': submitTechnicalReviewUpdate,
  decision: decideUpdate,
  withdrawal: withdrawUpdate,
  'information-request': requestInformationUpdate,
  information: provideInformationUpdate,
  'cancel-subscription': cancelSubscriptionUpdate,
  dispute: disputeUpdate,
} as const;

export type Delivery =
  { accepted: true; pending?: WorkflowUpdateHandle<CaseAnswer> } | { accepted: false; error: string };

export interface EventTarget {
  cases: RefundCases;
  /** The case's order id (the simulator's, unique in the batch). */
  orderId: string;
  billing: EmbeddedBillingStore;
  /** Update ids whose outcome the server returned with the acceptance (done or refused at once). */
  answeredAtOnce: ReadonlySet<string>;
}

/**
 * Sends one event at the current server time (`atIso`, in the server's frame; bodies are already
 * in that frame) and answers whether the case took it.
 */
export async function sendEvent(
  target: EventTarget,
  event: { type: EventType; body: Record<string, unknown> },
  atIso: string,
  updateId: string,
): Promise<Delivery> {
  const { cases, orderId } = target;
  try {
    switch (event.type) {
      case 'usage':
        // PUT /v1/orders/:orderId/usage: the embedded billing store is the source of usage.
        target.billing.recordUsage({
          orderId,
          used: event.body.used as number,
          reportedAt: (event.body.reportedAt as string | undefined) ?? atIso,
        });
        {
          // …and, as the route does, the case is told the figure on file.
          const onFile = target.billing.getOrder(orderId)?.usage;
          if (onFile)
            await cases
              .usageReported(
                orderId,
                { used: onFile.used, reportedAt: onFile.reportedAt },
                { receivedAt: atIso },
              )
              .catch((err: unknown) => {
                // A closed case has nothing to decide; billing has the figure either way.
                if (!(err instanceof CaseNotFoundError || /already completed/i.test(String(err)))) throw err;
              });
        }
        return { accepted: true };
      case 'chargeback':
        await cases.chargeback(orderId, event.body as Chargeback, { receivedAt: atIso });
        return { accepted: true };
      case 'incident':
        await cases.incidentConfirmed(orderId, event.body as IncidentConfirmed, { receivedAt: atIso });
        return { accepted: true };
      default: {
        const handle = await cases
          .handle(orderId)
          .startUpdate(UPDATES[event.type] as typeof requestRefundUpdate, {
            // The message stamped as the API stamps it: received now, on the case's clock.
            args: [event.body as never, { receivedAt: atIso }],
            waitForStage: WorkflowUpdateStage.ACCEPTED,
            updateId,
          });
        // Refused by the validator, or already done: the outcome came with the answer.
        if (target.answeredAtOnce.has(updateId)) await handle.result();
        return { accepted: true, pending: handle };
      }
    }
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { accepted: false, error: causeMessage(err) };
    if (
      err instanceof CaseNotFoundError ||
      err instanceof WorkflowNotFoundError ||
      /already completed/i.test(String(err))
    )
      return { accepted: false, error: 'the case is closed' };
    throw err;
  }
}

export function causeMessage(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

// The benchmark's floor: the paid path of a refund case with its logic taken out. The same
// activities (the real ones, with the same arguments the case sends), the same update, the same
// signal and the same timers (the request-window wait and the 30-second settlement check), and
// nothing else: no policy, no state, no search attributes, no mutex. Bundled on its own: nothing
// of the refund case (zod, the policies, the message schemas) may be in this module graph.
import {
  condition,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefundActivities } from '../../activities/contract';

const acts = proxyActivities<RefundActivities>({ startToCloseTimeout: '1 minute' });

export const baselineRequest = defineUpdate<string, [unknown]>('baselineRequest');
export const baselineSettled = defineSignal<[unknown]>('baselineSettled');

export interface BaselineInput {
  orderId: string;
  customerId: string;
  amountMinor: number;
  currency: string;
}

export async function baselineCase(input: BaselineInput): Promise<string> {
  const ref = { orderId: input.orderId, customerId: input.customerId };
  const key = (what: string): string => `${workflowInfo().workflowId}:${what}`;
  let requested = false;
  let settled = false;
  setHandler(baselineRequest, async () => {
    await acts.sendCustomerEmail({
      ...ref,
      kind: 'request_received',
      idempotencyKey: key('email:req'),
      data: { reason: 'changed_mind', orderId: input.orderId },
    });
    await acts.getAccountSnapshot(ref);
    await acts.sendCustomerEmail({
      ...ref,
      kind: 'decision',
      idempotencyKey: key('email:decision'),
      data: {
        outcome: 'full_refund',
        amountMinor: input.amountMinor,
        currency: input.currency,
        reasons: [],
        explanations: [],
        orderId: input.orderId,
      },
    });
    await acts.withdrawAccess({ ...ref, idempotencyKey: key('withdraw') });
    await acts.createRefund({
      ...ref,
      amountMinor: input.amountMinor,
      currency: input.currency,
      paymentMethod: 'card',
      idempotencyKey: key('refund:1'),
    });
    await acts.sendCustomerEmail({
      ...ref,
      kind: 'payout_sent',
      idempotencyKey: key('email:sent'),
      data: { amountMinor: input.amountMinor, currency: input.currency, orderId: input.orderId },
    });
    requested = true;
    return 'payout_pending';
  });
  setHandler(baselineSettled, () => void (settled = true));
  await condition(() => requested, '7 days');
  await condition(() => settled, '30 seconds');
  await acts.sendCustomerEmail({
    ...ref,
    kind: 'payout_settled',
    idempotencyKey: key('email:settled'),
    data: { amountMinor: input.amountMinor, currency: input.currency, orderId: input.orderId },
  });
  return 'paid';
}

/** A bare update round trip's floor: a workflow whose update answers at once and does nothing. */
export const bareUpdate = defineUpdate<string, [unknown]>('bareUpdate');
export async function bareCase(): Promise<void> {
  setHandler(bareUpdate, () => 'ok');
  await condition(() => false, '1 hour');
}

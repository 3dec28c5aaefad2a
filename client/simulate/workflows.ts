// The simulator's workflow bundle: the product's refundCase, unchanged, and the sandbox gateway's
// back office as a tiny workflow. The gateway settles a refund some seconds after it was created;
// in a simulation that delay must be a server-side timer, so it falls at the right simulated time
// while the test server skips the clock (a timer in the simulator's process would not).
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { SettlementActivities } from './settlement';

export { lateCaseEvents, refundCase } from '../../workflows';

const { settleSimulatedRefund } = proxyActivities<SettlementActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 10 },
});

export interface SettlementInput {
  orderId: string;
  refundId: string;
  afterMs: number;
}

/** Waits the gateway's settlement delay, then settles the refund and delivers the webhook. */
export async function simulatedGatewaySettlement(input: SettlementInput): Promise<void> {
  await sleep(input.afterMs);
  await settleSimulatedRefund({ orderId: input.orderId, refundId: input.refundId });
}

// The policy's decisions as a local activity (patch `decisions-recorded`): its result is a marker
// in history, which replay reads back instead of evaluating again with whatever policies/ code runs
// then. Evaluating is pure and quick; a failure goes the effect queue's way (effects.ts).
import { proxyLocalActivities } from '@temporalio/workflow';
import type { DecisionActivities } from '../../activities/decide';

export const decider = proxyLocalActivities<DecisionActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});

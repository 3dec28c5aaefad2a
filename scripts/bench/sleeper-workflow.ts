// The SDK's floor for a cached workflow: one timer and nothing else. Bundled on its own (nothing of
// the refund case in its module graph), because the SDK evaluates a bundle's user modules again
// for every workflow: a floor that imports the case's graph pays for the case.
import { sleep } from '@temporalio/workflow';

export async function sleeper(): Promise<void> {
  await sleep('7 days');
}

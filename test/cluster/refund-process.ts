// A worker's payments adapter as its own process, for the one-refund-per-key proof: configuration
// from the environment exactly as worker/main.ts reads it (REFUNDFLOW_DATA_DIR of its own, the
// gateway's URL or not), then a refund created for every key in CLUSTER_REFUND_KEYS, all at once.
// Prints a JSON object: key → the refund id the gateway answered.
//   node --require tsx/cjs test/cluster/refund-process.ts
import { buildActivityDeps } from '../../activities';
import { loadConfig } from '../../config';
import { activityConfigFrom } from '../../worker/main';

async function main(): Promise<void> {
  const deps = buildActivityDeps(activityConfigFrom(loadConfig(process.env)));
  const keys = (process.env.CLUSTER_REFUND_KEYS ?? '').split(',').filter(Boolean);
  const refunds: Record<string, string> = {};
  try {
    await Promise.all(
      keys.map(async (key) => {
        const refund = await deps.payments.createRefund({
          idempotencyKey: key,
          orderId: key,
          customerId: 'cl-refund-buyer',
          amountMinor: 2_500,
          currency: 'EUR',
          paymentMethod: 'card',
        });
        refunds[key] = refund.refundId;
      }),
    );
  } finally {
    await deps.close();
  }
  process.stdout.write(`${JSON.stringify(refunds)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}

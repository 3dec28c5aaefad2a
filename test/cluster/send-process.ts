// A worker's email adapter as its own process, for the one-email-per-key proof: configuration
// from the environment exactly as worker/main.ts reads it (REFUNDFLOW_DATA_DIR of its own,
// REFUNDFLOW_DATABASE_URL or not), then every key in CLUSTER_SEND_KEYS sent once, all at once.
// Prints "sent <new> <duplicate>".
//   node --require tsx/cjs test/cluster/send-process.ts
import { buildActivityDeps } from '../../activities';
import { loadConfig } from '../../config';
import { activityConfigFrom } from '../../worker/main';

async function main(): Promise<void> {
  const deps = buildActivityDeps(activityConfigFrom(loadConfig(process.env)));
  const keys = (process.env.CLUSTER_SEND_KEYS ?? '').split(',').filter(Boolean);
  let fresh = 0;
  let duplicate = 0;
  try {
    await Promise.all(
      keys.map(async (key) => {
        const sent = await deps.email.send({
          idempotencyKey: key,
          to: 'buyer@customer.example',
          subject: `Your refund ${key}`,
          text: 'Your refund is on its way.\n',
          html: '<p>Your refund is on its way.</p>',
          orderId: key,
          kind: 'decision',
        });
        if (sent.duplicate) duplicate += 1;
        else fresh += 1;
      }),
    );
  } finally {
    await deps.close();
  }
  process.stdout.write(`sent ${fresh} ${duplicate}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}

// The billing stand-in as a process: compose's `billing` service, node dist/activities/billing/main.js.
// It serves the embedded billing store over billing/openapi.json to the workers, which reach it
// over the network as they would a company's billing system (REFUNDFLOW_BILLING=http, BILLING_URL);
// the API feeds orders and usage into the same store, as checkout would. A real deployment points
// BILLING_URL at its own billing system and drops this process.
//   PORT                     where it listens (8090)
//   BILLING_API_KEY          the bearer key the workers send (required: the store holds customers' emails)
//   REFUNDFLOW_BILLING_FILE  the store (default <REFUNDFLOW_DATA_DIR>/billing.sqlite)
import path from 'node:path';
import { z } from 'zod';
import { embeddedFiles } from '../factory';
import { startBillingService } from './service';

export const billingServiceEnvSchema = z.object({
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(1).max(65_535).default(8090),
  BILLING_API_KEY: z
    .string({ error: 'is required: the key the workers send' })
    .min(16, 'must be at least 16 characters'),
  REFUNDFLOW_DATA_DIR: z.string().min(1).default('./data'),
  REFUNDFLOW_BILLING_FILE: z.string().min(1).optional(),
});

/** The service's settings; a bad variable is named with what is wrong with it. */
export function billingServiceConfig(env: NodeJS.ProcessEnv) {
  const parsed = billingServiceEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  const c = parsed.data;
  return {
    port: c.PORT,
    apiKey: c.BILLING_API_KEY,
    file: path.resolve(c.REFUNDFLOW_BILLING_FILE ?? path.join(c.REFUNDFLOW_DATA_DIR, embeddedFiles.billing)),
  };
}

async function main(): Promise<void> {
  const config = billingServiceConfig(process.env);
  const service = await startBillingService({ ...config, host: '0.0.0.0' });
  process.stdout.write(`billing service listening on ${service.url}, store ${config.file}\n`);
  const stop = () => void service.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

// The adapters' settings from the environment: email (outbox or SMTP), payments (sandbox or
// Stripe), billing (embedded or HTTP). The one place they are validated: the activities' factory
// takes the result as given, so every rule here names the variable an operator sets.
import { resolve } from 'node:path';
import { z } from 'zod';
import { emailAddress, fromAddress, httpUrl, postgresUrl, requiredWhen } from './fields';

export const emailSchema = z.discriminatedUnion(
  'REFUNDFLOW_EMAIL',
  [
    // The embedded outbox writes mail to the data folder, so any syntactically valid address will do.
    z
      .object({
        REFUNDFLOW_EMAIL: z.literal('outbox').optional(),
        SMTP_FROM: fromAddress.default('Refundflow <refunds@refundflow.local>'),
        REFUNDFLOW_SUPPORT_EMAIL: emailAddress.default('support@refundflow.local'),
      })
      .transform((env) => ({
        kind: 'outbox' as const,
        from: env.SMTP_FROM,
        supportAddress: env.REFUNDFLOW_SUPPORT_EMAIL,
      })),
    z
      .object({
        REFUNDFLOW_EMAIL: z.literal('smtp'),
        SMTP_URL: requiredWhen('REFUNDFLOW_EMAIL=smtp').pipe(
          z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }),
        ),
        SMTP_FROM: requiredWhen('REFUNDFLOW_EMAIL=smtp').pipe(fromAddress),
        REFUNDFLOW_SUPPORT_EMAIL: requiredWhen('REFUNDFLOW_EMAIL=smtp').pipe(emailAddress),
        // Workers on several hosts keep the sent-log in PostgreSQL, so no two send one email.
        REFUNDFLOW_DATABASE_URL: postgresUrl.optional(),
      })
      .transform((env) => ({
        kind: 'smtp' as const,
        url: env.SMTP_URL,
        from: env.SMTP_FROM,
        supportAddress: env.REFUNDFLOW_SUPPORT_EMAIL,
        ...(env.REFUNDFLOW_DATABASE_URL ? { sentLogUrl: env.REFUNDFLOW_DATABASE_URL } : {}),
      })),
  ],
  { error: 'must be outbox or smtp' },
);

export const paymentsSchema = z.discriminatedUnion(
  'REFUNDFLOW_PAYMENTS',
  [
    z
      .object({
        REFUNDFLOW_PAYMENTS: z.literal('sandbox').optional(),
        REFUNDFLOW_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
        // The sandbox gateway stands in for a payment provider: its file, when it is not the one
        // under REFUNDFLOW_DATA_DIR, or — for workers on several hosts — its URL, where one process
        // serves it over HTTP (make cluster: activities/payments/sandbox-service.ts).
        REFUNDFLOW_GATEWAY_FILE: z.string().optional(),
        REFUNDFLOW_GATEWAY_URL: httpUrl.optional(),
      })
      .refine((env) => !(env.REFUNDFLOW_GATEWAY_FILE && env.REFUNDFLOW_GATEWAY_URL), {
        path: ['REFUNDFLOW_GATEWAY_URL'],
        message: 'set REFUNDFLOW_GATEWAY_FILE or REFUNDFLOW_GATEWAY_URL, not both',
      })
      .transform((env) => ({
        kind: 'sandbox' as const,
        webhookSecret: env.REFUNDFLOW_WEBHOOK_SECRET,
        ...(env.REFUNDFLOW_GATEWAY_FILE ? { file: resolve(env.REFUNDFLOW_GATEWAY_FILE) } : {}),
        ...(env.REFUNDFLOW_GATEWAY_URL ? { url: env.REFUNDFLOW_GATEWAY_URL } : {}),
      })),
    z
      .object({
        REFUNDFLOW_PAYMENTS: z.literal('stripe'),
        // The only check of the key: the activities' factory takes it as given.
        STRIPE_API_KEY: requiredWhen('REFUNDFLOW_PAYMENTS=stripe').regex(
          /^(sk|rk)_(test|live)_/,
          'must be a secret or restricted key for test or live mode (sk_test_…, sk_live_…, rk_test_…, rk_live_…)',
        ),
        // Only for stripe-mock or a proxy; the stripe client's own default is right otherwise.
        STRIPE_API_BASE: httpUrl.optional(),
        REFUNDFLOW_WEBHOOK_SECRET: requiredWhen('REFUNDFLOW_PAYMENTS=stripe').min(1),
      })
      .transform((env) => ({
        kind: 'stripe' as const,
        apiKey: env.STRIPE_API_KEY,
        apiBase: env.STRIPE_API_BASE,
        webhookSecret: env.REFUNDFLOW_WEBHOOK_SECRET,
      })),
  ],
  { error: 'must be sandbox or stripe' },
);

export const billingSchema = z.discriminatedUnion(
  'REFUNDFLOW_BILLING',
  [
    z
      .object({
        REFUNDFLOW_BILLING: z.literal('embedded').optional(),
        REFUNDFLOW_BILLING_FILE: z.string().optional(),
      })
      // Like the gateway: the embedded store stands in for the company's billing system.
      .transform((env) => ({
        kind: 'embedded' as const,
        ...(env.REFUNDFLOW_BILLING_FILE ? { file: resolve(env.REFUNDFLOW_BILLING_FILE) } : {}),
      })),
    z
      .object({
        REFUNDFLOW_BILLING: z.literal('http'),
        BILLING_URL: requiredWhen('REFUNDFLOW_BILLING=http').pipe(httpUrl),
        BILLING_API_KEY: z.string().optional(),
      })
      .transform((env) => ({ kind: 'http' as const, url: env.BILLING_URL, apiKey: env.BILLING_API_KEY })),
  ],
  { error: 'must be embedded or http' },
);

// Builds the adapters from one plain, typed configuration object, so the worker can do
// createActivities(buildActivityDeps(config)). The worker's config module reads the
// environment and hands the result to activityConfigSchema (fail fast on a bad value).
import path from 'node:path';
import { z } from 'zod';
import { HttpBillingAdapter } from './billing/http';
import type { BillingPort } from './billing/port';
import { EmbeddedBillingStore } from './billing/sqlite';
import type { ActivityDeps, ActivityLogger } from './create-activities';
import { EmailOutbox } from './email/outbox';
import type { EmailPort } from './email/port';
import { SqliteSentLog } from './email/sent-log';
import { SmtpEmailAdapter } from './email/smtp';
import type { PaymentsPort } from './payments/port';
import { SandboxGateway } from './payments/sandbox';
import { StripePaymentsAdapter } from './payments/stripe';

const file = z.string().min(1);

export const emailConfigSchema = z.discriminatedUnion('kind', [
  /** Embedded: messages go to a local outbox the support UI lists; nothing leaves the machine. */
  z.object({ kind: z.literal('outbox'), file }),
  z.object({
    kind: z.literal('smtp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(587),
    secure: z.boolean().default(false),
    requireTls: z.boolean().default(true),
    user: z.string().optional(),
    password: z.string().optional(),
    timeoutMs: z.number().int().positive().default(15_000),
    /** The SQLite file remembering which idempotency keys were delivered. */
    sentLogFile: file,
    allowInvalidCertificates: z.boolean().default(false),
  }),
]);

export const paymentsConfigSchema = z.discriminatedUnion('kind', [
  /** Embedded: the sandbox gateway file, shared with the stack's settler and the API. */
  z.object({ kind: z.literal('sandbox'), file }),
  z.object({
    kind: z.literal('stripe'),
    apiKey: z.string().regex(/^(sk|rk)_(test|live)_/, 'a Stripe secret or restricted key (sk_… or rk_…)'),
    timeoutMs: z.number().int().positive().default(20_000),
    orderMetadataKey: z.string().min(1).default('orderId'),
    /** Only to point at stripe-mock or an egress proxy. */
    host: z.string().optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    protocol: z.enum(['http', 'https']).optional(),
  }),
]);

export const billingConfigSchema = z.discriminatedUnion('kind', [
  /** Embedded: the SQLite billing store that the API and CLI feed. */
  z.object({ kind: z.literal('embedded'), file }),
  z.object({
    kind: z.literal('http'),
    baseUrl: z.url(),
    apiKey: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(10_000),
  }),
]);

export const activityConfigSchema = z.object({
  /** Support notices go here. */
  supportAddress: z.email(),
  /** From header of every message, e.g. `Refundflow <refunds@example.com>`. */
  fromAddress: z.string().min(3),
  caseLinkBase: z.url().optional(),
  heartbeatEveryMs: z.number().int().positive().default(5_000),
  email: emailConfigSchema,
  payments: paymentsConfigSchema,
  billing: billingConfigSchema,
});
export type ActivityConfig = z.input<typeof activityConfigSchema>;

/** The embedded defaults: every store a SQLite file under `dataDir` (data/ in the repo). */
export function embeddedActivityConfig(
  dataDir: string,
  overrides: Partial<ActivityConfig> = {},
): ActivityConfig {
  return {
    supportAddress: 'support@refundflow.local',
    fromAddress: 'Refundflow <refunds@refundflow.local>',
    email: { kind: 'outbox', file: path.join(dataDir, 'outbox.sqlite') },
    payments: { kind: 'sandbox', file: path.join(dataDir, 'gateway.sqlite') },
    billing: { kind: 'embedded', file: path.join(dataDir, 'billing.sqlite') },
    ...overrides,
  };
}

export function buildEmail(config: z.output<typeof emailConfigSchema>, from: string): EmailPort {
  switch (config.kind) {
    case 'outbox':
      return EmailOutbox.open(config.file, { from });
    case 'smtp':
      return new SmtpEmailAdapter(
        {
          host: config.host,
          port: config.port,
          secure: config.secure,
          requireTls: config.requireTls,
          ...(config.user ? { user: config.user, password: config.password ?? '' } : {}),
          from,
          timeoutMs: config.timeoutMs,
          allowInvalidCertificates: config.allowInvalidCertificates,
        },
        SqliteSentLog.open(config.sentLogFile),
      );
  }
}

export function buildPayments(config: z.output<typeof paymentsConfigSchema>): PaymentsPort {
  switch (config.kind) {
    case 'sandbox':
      return SandboxGateway.open(config.file);
    case 'stripe':
      return new StripePaymentsAdapter({
        apiKey: config.apiKey,
        timeoutMs: config.timeoutMs,
        orderMetadataKey: config.orderMetadataKey,
        ...(config.host ? { host: config.host } : {}),
        ...(config.port ? { port: config.port } : {}),
        ...(config.protocol ? { protocol: config.protocol } : {}),
      });
  }
}

export function buildBilling(config: z.output<typeof billingConfigSchema>): BillingPort {
  switch (config.kind) {
    case 'embedded':
      return EmbeddedBillingStore.open(config.file);
    case 'http':
      return new HttpBillingAdapter({
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
        ...(config.apiKey ? { apiKey: config.apiKey } : {}),
      });
  }
}

/** Validates the configuration and opens every adapter; `close()` releases them all. */
export function buildActivityDeps(
  input: ActivityConfig,
  options: { logger?: ActivityLogger } = {},
): ActivityDeps & { close: () => Promise<void> } {
  const config = activityConfigSchema.parse(input);
  const email = buildEmail(config.email, config.fromAddress);
  const payments = buildPayments(config.payments);
  const billing = buildBilling(config.billing);
  return {
    email,
    payments,
    billing,
    supportAddress: config.supportAddress,
    heartbeatEveryMs: config.heartbeatEveryMs,
    ...(config.caseLinkBase ? { caseLinkBase: config.caseLinkBase } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    close: async () => {
      await Promise.all([email.close?.(), payments.close?.(), billing.close?.()]);
    },
  };
}

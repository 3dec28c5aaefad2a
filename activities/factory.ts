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
import { PostgresSentLog } from './email/pg-sent-log';
import { SqliteSentLog } from './email/sent-log';
import { SmtpEmailAdapter, type SmtpConfig } from './email/smtp';
import type { PaymentsPort } from './payments/port';
import { SandboxGateway } from './payments/sandbox';
import { HttpSandboxGateway } from './payments/sandbox-http';
import { StripePaymentsAdapter } from './payments/stripe';

/** A SQLite file; when left out, a fixed name under the config's `dataDir`. */
const file = z.string().min(1).optional();

export const emailConfigSchema = z.discriminatedUnion('kind', [
  /** Embedded: messages go to a local outbox the support UI lists; nothing leaves the machine. */
  z.object({ kind: z.literal('outbox'), file }),
  z.object({
    kind: z.literal('smtp'),
    /** `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465`; or host/port below. */
    url: z.url({ protocol: /^smtps?$/ }).optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    secure: z.boolean().optional(),
    /** Refuse to send unless the server upgrades to TLS. */
    requireTls: z.boolean().default(true),
    user: z.string().optional(),
    password: z.string().optional(),
    timeoutMs: z.number().int().positive().default(15_000),
    /** The SQLite file remembering which idempotency keys were delivered. */
    sentLogFile: file,
    /** Or a PostgreSQL database (postgres://…) every worker shares: one email per key across hosts. */
    sentLogUrl: z.url({ protocol: /^postgres(?:ql)?$/ }).optional(),
    allowInvalidCertificates: z.boolean().default(false),
  }),
]);

export const paymentsConfigSchema = z.discriminatedUnion('kind', [
  /** Embedded: the sandbox gateway file, shared with the stack's settler and the API. */
  z.object({
    kind: z.literal('sandbox'),
    file,
    /** Or the sandbox gateway served over HTTP (payments/sandbox-service.ts): workers on several hosts. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    apiKey: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(10_000),
  }),
  z.object({
    kind: z.literal('stripe'),
    apiKey: z.string().regex(/^(sk|rk)_(test|live)_/, 'a Stripe secret or restricted key (sk_… or rk_…)'),
    timeoutMs: z.number().int().positive().default(20_000),
    orderMetadataKey: z.string().min(1).default('orderId'),
    /** Only to point at stripe-mock or an egress proxy, e.g. http://stripe-mock:12111. */
    apiBase: z.url({ protocol: /^https?$/ }).optional(),
  }),
]);

export const billingConfigSchema = z.discriminatedUnion('kind', [
  /** Embedded: the SQLite billing store that the API and CLI feed. */
  z.object({ kind: z.literal('embedded'), file }),
  z.object({
    kind: z.literal('http'),
    baseUrl: z.url({ protocol: /^https?$/ }),
    apiKey: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(10_000),
  }),
]);

export const activityConfigSchema = z
  .object({
    /** Where embedded files go when no file is named (data/ in the repo, ignored by git). */
    dataDir: z.string().min(1).optional(),
    /** Support notices go here. */
    supportAddress: z.email(),
    /** From header of every message, e.g. `Refundflow <refunds@example.com>`. */
    fromAddress: z.string().min(3),
    caseLinkBase: z.url().optional(),
    heartbeatEveryMs: z.number().int().positive().default(5_000),
    email: emailConfigSchema,
    payments: paymentsConfigSchema,
    billing: billingConfigSchema,
  })
  .superRefine((c, ctx) => {
    const needsFile = (path: (string | number)[], value: string | undefined) => {
      if (!value && !c.dataDir)
        ctx.addIssue({ code: 'custom', path, message: 'a file, or dataDir, is required' });
    };
    if (c.email.kind === 'outbox') needsFile(['email', 'file'], c.email.file);
    if (c.email.kind === 'smtp') {
      if (!c.email.sentLogUrl) needsFile(['email', 'sentLogFile'], c.email.sentLogFile);
      if (!c.email.url && !c.email.host)
        ctx.addIssue({ code: 'custom', path: ['email', 'host'], message: 'url or host is required' });
    }
    if (c.payments.kind === 'sandbox' && !c.payments.url) needsFile(['payments', 'file'], c.payments.file);
    if (c.payments.kind === 'sandbox' && c.payments.url && c.payments.file)
      ctx.addIssue({ code: 'custom', path: ['payments', 'url'], message: 'a file or a url, not both' });
    if (c.billing.kind === 'embedded') needsFile(['billing', 'file'], c.billing.file);
  });
export type ActivityConfig = z.input<typeof activityConfigSchema>;
type ParsedConfig = z.output<typeof activityConfigSchema>;

/** The file names the embedded defaults use under dataDir; the API and stack open the same ones. */
export const embeddedFiles = {
  outbox: 'outbox.sqlite',
  smtpSentLog: 'smtp-sent.sqlite',
  gateway: 'gateway.sqlite',
  billing: 'billing.sqlite',
} as const;

/** The embedded defaults: every store a SQLite file under `dataDir`. */
export function embeddedActivityConfig(
  dataDir: string,
  overrides: Partial<ActivityConfig> = {},
): ActivityConfig {
  return {
    dataDir,
    supportAddress: 'support@refundflow.local',
    fromAddress: 'Refundflow <refunds@refundflow.local>',
    email: { kind: 'outbox' },
    payments: { kind: 'sandbox' },
    billing: { kind: 'embedded' },
    ...overrides,
  };
}

function inData(config: ParsedConfig, given: string | undefined, name: string): string {
  // superRefine guarantees one of the two.
  return given ?? path.join(config.dataDir!, name);
}

/** smtp(s)://user:pass@host:port, or explicit fields, to the adapter's settings. */
export function smtpSettings(
  email: Extract<ParsedConfig['email'], { kind: 'smtp' }>,
  from: string,
): SmtpConfig {
  const url = email.url ? new URL(email.url) : undefined;
  const secure = email.secure ?? url?.protocol === 'smtps:';
  const user = email.user ?? (url?.username ? decodeURIComponent(url.username) : undefined);
  const password = email.password ?? (url?.password ? decodeURIComponent(url.password) : undefined);
  return {
    host: email.host ?? url!.hostname,
    port: email.port ?? (url?.port ? Number(url.port) : secure ? 465 : 587),
    secure,
    requireTls: email.requireTls && !secure,
    ...(user ? { user, password: password ?? '' } : {}),
    from,
    timeoutMs: email.timeoutMs,
    allowInvalidCertificates: email.allowInvalidCertificates,
  };
}

export function buildEmail(config: ParsedConfig): EmailPort {
  const email = config.email;
  switch (email.kind) {
    case 'outbox':
      return EmailOutbox.open(inData(config, email.file, embeddedFiles.outbox), { from: config.fromAddress });
    case 'smtp':
      return new SmtpEmailAdapter(
        smtpSettings(email, config.fromAddress),
        email.sentLogUrl
          ? new PostgresSentLog(email.sentLogUrl)
          : SqliteSentLog.open(inData(config, email.sentLogFile, embeddedFiles.smtpSentLog)),
      );
  }
}

export function buildPayments(config: ParsedConfig): PaymentsPort {
  const payments = config.payments;
  switch (payments.kind) {
    case 'sandbox':
      return payments.url
        ? new HttpSandboxGateway({
            baseUrl: payments.url,
            timeoutMs: payments.timeoutMs,
            ...(payments.apiKey ? { apiKey: payments.apiKey } : {}),
          })
        : SandboxGateway.open(inData(config, payments.file, embeddedFiles.gateway));
    case 'stripe': {
      const base = payments.apiBase ? new URL(payments.apiBase) : undefined;
      return new StripePaymentsAdapter({
        apiKey: payments.apiKey,
        timeoutMs: payments.timeoutMs,
        orderMetadataKey: payments.orderMetadataKey,
        ...(base
          ? {
              host: base.hostname,
              protocol: base.protocol === 'http:' ? ('http' as const) : ('https' as const),
              ...(base.port ? { port: Number(base.port) } : {}),
            }
          : {}),
      });
    }
  }
}

export function buildBilling(config: ParsedConfig): BillingPort {
  const billing = config.billing;
  switch (billing.kind) {
    case 'embedded':
      return EmbeddedBillingStore.open(inData(config, billing.file, embeddedFiles.billing));
    case 'http':
      return new HttpBillingAdapter({
        baseUrl: billing.baseUrl,
        timeoutMs: billing.timeoutMs,
        ...(billing.apiKey ? { apiKey: billing.apiKey } : {}),
      });
  }
}

/** Validates the configuration and opens every adapter; `close()` releases them all. */
export function buildActivityDeps(
  input: ActivityConfig,
  options: { logger?: ActivityLogger } = {},
): ActivityDeps & { close: () => Promise<void> } {
  const config = activityConfigSchema.parse(input);
  const email = buildEmail(config);
  const payments = buildPayments(config);
  const billing = buildBilling(config);
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

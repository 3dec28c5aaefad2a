// Builds the adapters from one plain, typed configuration object, so the worker can do
// createActivities(buildActivityDeps(config)). config/ reads and validates the environment
// (failing fast, naming each bad variable); worker/main.ts maps the result onto these types.
import path from 'node:path';
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
import { openLedger, type LedgerLocation } from '../ledger/store';
import { lazyLedger } from './ledger';

// No schema here: the settings are validated once, at the edge that reads them (config/ for the
// environment, naming the variable), and reach the factory typed. A second set of rules here
// once let a Stripe key pass at boot and fail later under another name.

/** Embedded: messages go to a local outbox the support UI lists; nothing leaves the machine. */
export interface OutboxEmailConfig {
  kind: 'outbox';
  /** The SQLite file; when left out, a fixed name under `dataDir`. */
  file?: string;
}

export interface SmtpEmailConfig {
  kind: 'smtp';
  /** `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465`. */
  url: string;
  /** Refuse to send unless the server upgrades to TLS (default true). */
  requireTls?: boolean;
  timeoutMs?: number;
  /** The SQLite file remembering which idempotency keys were delivered. */
  sentLogFile?: string;
  /** Or a PostgreSQL database (postgres://…) every worker shares: one email per key across hosts. */
  sentLogUrl?: string;
  allowInvalidCertificates?: boolean;
}

/**
 * Embedded: the sandbox gateway file, shared with the stack's settler and the API; or the gateway
 * served over HTTP (payments/sandbox-service.ts) for workers on several hosts. One or the other.
 */
export type SandboxPaymentsConfig =
  | { kind: 'sandbox'; file?: string; url?: never }
  | { kind: 'sandbox'; url: string; file?: never; apiKey?: string; timeoutMs?: number };

export interface StripePaymentsConfig {
  kind: 'stripe';
  /** A secret or restricted key (sk_… or rk_…), checked where it is read. */
  apiKey: string;
  timeoutMs?: number;
  orderMetadataKey?: string;
  /** Only to point at stripe-mock or an egress proxy, e.g. http://stripe-mock:12111. */
  apiBase?: string;
}

/** Embedded: the SQLite billing store that the API and CLI feed. */
export interface EmbeddedBillingConfig {
  kind: 'embedded';
  file?: string;
}

export interface HttpBillingSettings {
  kind: 'http';
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
}

export interface ActivityConfig {
  /** Where embedded files go when no file is named (data/ in the repo, ignored by git). */
  dataDir: string;
  /** Support notices go here. */
  supportAddress: string;
  /** From header of every message, e.g. `Refundflow <refunds@example.com>`. */
  fromAddress: string;
  caseLinkBase?: string;
  heartbeatEveryMs?: number;
  email: OutboxEmailConfig | SmtpEmailConfig;
  payments: SandboxPaymentsConfig | StripePaymentsConfig;
  billing: EmbeddedBillingConfig | HttpBillingSettings;
  /** The case ledger (config.ledger); left out, appendLedger writes nothing (the rows stay in history). */
  ledger?: LedgerLocation;
}

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

function inData(config: ActivityConfig, given: string | undefined, name: string): string {
  return given ?? path.join(config.dataDir, name);
}

/** smtp(s)://user:pass@host:port to the adapter's settings. */
export function smtpSettings(email: SmtpEmailConfig, from: string): SmtpConfig {
  const url = new URL(email.url);
  const secure = url.protocol === 'smtps:';
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTls: (email.requireTls ?? true) && !secure,
    ...(user ? { user, password: password ?? '' } : {}),
    from,
    timeoutMs: email.timeoutMs ?? 15_000,
    allowInvalidCertificates: email.allowInvalidCertificates ?? false,
  };
}

export function buildEmail(config: ActivityConfig): EmailPort {
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

export function buildPayments(config: ActivityConfig): PaymentsPort {
  const payments = config.payments;
  switch (payments.kind) {
    case 'sandbox':
      return payments.url
        ? new HttpSandboxGateway({
            baseUrl: payments.url,
            timeoutMs: payments.timeoutMs ?? 10_000,
            ...(payments.apiKey ? { apiKey: payments.apiKey } : {}),
          })
        : SandboxGateway.open(inData(config, payments.file, embeddedFiles.gateway));
    case 'stripe': {
      const base = payments.apiBase ? new URL(payments.apiBase) : undefined;
      return new StripePaymentsAdapter({
        apiKey: payments.apiKey,
        timeoutMs: payments.timeoutMs ?? 20_000,
        orderMetadataKey: payments.orderMetadataKey ?? 'orderId',
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

export function buildBilling(config: ActivityConfig): BillingPort {
  const billing = config.billing;
  switch (billing.kind) {
    case 'embedded':
      return EmbeddedBillingStore.open(inData(config, billing.file, embeddedFiles.billing));
    case 'http':
      return new HttpBillingAdapter({
        baseUrl: billing.baseUrl,
        timeoutMs: billing.timeoutMs ?? 10_000,
        ...(billing.apiKey ? { apiKey: billing.apiKey } : {}),
      });
  }
}

/** Opens every adapter from settings validated where they were read; `close()` releases them all. */
export function buildActivityDeps(
  config: ActivityConfig,
  options: { logger?: ActivityLogger } = {},
): ActivityDeps & { close: () => Promise<void> } {
  const email = buildEmail(config);
  const payments = buildPayments(config);
  const billing = buildBilling(config);
  // Opened at the first write, so a worker starts (and its cases run) while the database is down.
  const location = config.ledger;
  const ledger = location ? lazyLedger(() => openLedger(location)) : undefined;
  return {
    email,
    payments,
    billing,
    ...(ledger ? { ledger } : {}),
    supportAddress: config.supportAddress,
    heartbeatEveryMs: config.heartbeatEveryMs ?? 5_000,
    ...(config.caseLinkBase ? { caseLinkBase: config.caseLinkBase } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    close: async () => {
      await Promise.all([email.close?.(), payments.close?.(), billing.close?.(), ledger?.close()]);
    },
  };
}

// The typed configuration of the worker and the API, read from the environment once at start.
// Every variable is validated here so that a bad deployment stops at boot with the variable's
// name in the message, not hours later inside an activity. docs/CONFIGURATION.md documents
// each variable; test/config checks the two agree.
import { resolve } from 'node:path';
import { z } from 'zod';
import { billingSchema, emailSchema, paymentsSchema } from './adapters';
import { booleanFlag, commaList, httpUrl, port } from './fields';
import { ledgerSchema } from './ledger';
import { encryptionSchema, temporalSchema } from './temporal';

export type { EncryptionConfig, TemporalTlsConfig } from './temporal';

/** Every environment variable this module reads. The compose test checks deployments against it. */
export const CONFIG_VARIABLES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CERT_PATH',
  'TEMPORAL_TLS_KEY_PATH',
  'TEMPORAL_TLS_CA_PATH',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
  'REFUNDFLOW_ENCRYPTION_KEYS',
  'REFUNDFLOW_ENCRYPTION_KEY_ID',
  'REFUNDFLOW_CODEC_ACCEPT_PLAINTEXT',
  'PORT',
  'REFUNDFLOW_API_KEYS',
  'REFUNDFLOW_CODEC_CORS_ORIGINS',
  'REFUNDFLOW_KEY_ID_SECRET',
  'REFUNDFLOW_RATE_LIMIT',
  'REFUNDFLOW_AUTH_FAILURE_LIMIT',
  'REFUNDFLOW_METRICS_KEY',
  'REFUNDFLOW_EMAIL',
  'SMTP_URL',
  'SMTP_FROM',
  'REFUNDFLOW_SUPPORT_EMAIL',
  'REFUNDFLOW_PAYMENTS',
  'STRIPE_API_KEY',
  'STRIPE_API_BASE',
  'REFUNDFLOW_WEBHOOK_SECRET',
  'REFUNDFLOW_BILLING',
  'BILLING_URL',
  'BILLING_API_KEY',
  'REFUNDFLOW_DATA_DIR',
  'REFUNDFLOW_METRICS_PORT',
  'REFUNDFLOW_SHUTDOWN_GRACE_SECONDS',
  'REFUNDFLOW_MAX_CACHED_WORKFLOWS',
  'LOG_LEVEL',
  'TEMPORAL_UI_PORT',
  'REFUNDFLOW_SANDBOX_WEBHOOKS',
  'REFUNDFLOW_DATABASE_URL',
  'REFUNDFLOW_GATEWAY_FILE',
  'REFUNDFLOW_GATEWAY_URL',
  'REFUNDFLOW_BILLING_FILE',
  'REFUNDFLOW_DEPLOYMENT_NAME',
  'REFUNDFLOW_BUILD_ID',
  'REFUNDFLOW_VERSIONING_BEHAVIOR',
  'REFUNDFLOW_SET_CURRENT_VERSION',
] as const;
export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];
type Env = Partial<Record<ConfigVariable, string>>;

export const API_ROLES = ['checkout', 'support', 'reviewer', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];
export interface ApiKey {
  role: ApiRole;
  key: string;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A configuration that cannot run; `issues` names each offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly issues: ReadonlyArray<{ variable: string; message: string }>) {
    super(`invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
  }
}

// ---- HTTP API --------------------------------------------------------------------------------

/** The shortest API key the API starts with; the embedded stack makes 27-character ones. */
export const MIN_API_KEY_LENGTH = 16;

const perMinute = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of requests per minute' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(fallback);

const apiSchema = z
  .object({
    PORT: port(8080),
    REFUNDFLOW_API_KEYS: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const keys: ApiKey[] = [];
        for (const [index, entry] of commaList(value).entries()) {
          const separator = entry.indexOf(':');
          const role = entry.slice(0, separator);
          const key = entry.slice(separator + 1);
          if (separator <= 0 || key.length === 0) {
            ctx.addIssue({ code: 'custom', message: `entry ${index + 1} is not role:key` });
          } else if (key.length < MIN_API_KEY_LENGTH) {
            // A short key is guessable, rate limit or not.
            ctx.addIssue({
              code: 'custom',
              message: `entry ${index + 1} has a key shorter than ${MIN_API_KEY_LENGTH} characters`,
            });
          } else if (!(API_ROLES as readonly string[]).includes(role)) {
            ctx.addIssue({
              code: 'custom',
              message: `entry ${index + 1} has an unknown role (roles: ${API_ROLES.join(', ')})`,
            });
          } else if (keys.some((k) => k.key === key)) {
            // One key with two roles would make "which role is this caller" ambiguous.
            ctx.addIssue({ code: 'custom', message: `entry ${index + 1} repeats a key listed before` });
          } else {
            keys.push({ role: role as ApiRole, key });
          }
        }
        return keys;
      }),
    // The embedded Web UI's origin; a deployment lists its own.
    REFUNDFLOW_CODEC_CORS_ORIGINS: z
      .string()
      .default('http://localhost:8233,http://127.0.0.1:8233')
      .transform((value, ctx) => {
        const origins = commaList(value);
        for (const origin of origins) {
          if (!httpUrl.safeParse(origin).success || new URL(origin).origin !== origin) {
            ctx.addIssue({
              code: 'custom',
              message: `"${origin}" is not an origin like https://ui.example.com`,
            });
          }
        }
        return origins;
      }),
    // Names keys in timelines (keyId) and digests customer emails in start fingerprints; defaults
    // to a value derived from the encryption keyring's active key.
    REFUNDFLOW_KEY_ID_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    REFUNDFLOW_RATE_LIMIT: perMinute(600),
    REFUNDFLOW_AUTH_FAILURE_LIMIT: perMinute(30),
    REFUNDFLOW_METRICS_KEY: z
      .string()
      .min(MIN_API_KEY_LENGTH, `must be at least ${MIN_API_KEY_LENGTH} characters`)
      .optional(),
  })
  .transform((env) => ({
    port: env.PORT,
    keys: env.REFUNDFLOW_API_KEYS,
    codecCorsOrigins: env.REFUNDFLOW_CODEC_CORS_ORIGINS,
    keyIdSecret: env.REFUNDFLOW_KEY_ID_SECRET,
    rateLimitPerMinute: env.REFUNDFLOW_RATE_LIMIT,
    authFailuresPerMinute: env.REFUNDFLOW_AUTH_FAILURE_LIMIT,
    metricsKey: env.REFUNDFLOW_METRICS_KEY,
  }));

// ---- process ---------------------------------------------------------------------------------

const processSchema = z
  .object({
    REFUNDFLOW_DATA_DIR: z.string().default('./data'),
    // 0 turns the exporter off (tests, several workers on one host).
    REFUNDFLOW_METRICS_PORT: port(9464),
    // How long in-flight activities get to finish on SIGTERM; compose's stop_grace_period must exceed it.
    REFUNDFLOW_SHUTDOWN_GRACE_SECONDS: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be whole seconds')
      .min(0)
      .max(3600)
      .default(30),
    // Each cached case costs about 2 MiB of worker memory (docs/BENCHMARKS.md); unset = sized from
    // the worker's memory and heap limit (worker/tuning.ts).
    REFUNDFLOW_MAX_CACHED_WORKFLOWS: z.coerce
      .number({ error: 'must be a number of workflows' })
      .int('must be a whole number')
      .min(0)
      .optional(),
    LOG_LEVEL: z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
      .default('info'),
  })
  .transform((env) => ({
    dataDir: resolve(env.REFUNDFLOW_DATA_DIR),
    metricsPort: env.REFUNDFLOW_METRICS_PORT,
    shutdownGraceMs: env.REFUNDFLOW_SHUTDOWN_GRACE_SECONDS * 1000,
    maxCachedWorkflows: env.REFUNDFLOW_MAX_CACHED_WORKFLOWS,
    logLevel: env.LOG_LEVEL,
  }));

// ---- worker versioning (Temporal Worker Deployments) -------------------------------------------

export const VERSIONING_BEHAVIORS = ['AUTO_UPGRADE', 'PINNED'] as const;

// A deployment name turns versioning on: each release polls as deploymentName.buildId, and a case
// moves to the current version at its next workflow task (AUTO_UPGRADE), so a case waiting weeks
// runs the newest code, which replays it (README "Changing the workflow safely"). Without one the
// worker is unversioned (tests, the simulator). The build id defaults to a hash of the workflow
// bundle: the same code is the same version, changed code a new one.
const versioningSchema = z
  .object({
    REFUNDFLOW_DEPLOYMENT_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be letters, digits, - or _ (no dots)')
      .optional(),
    REFUNDFLOW_BUILD_ID: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,200}$/, 'must be letters, digits, ., - or _')
      .optional(),
    REFUNDFLOW_VERSIONING_BEHAVIOR: z
      .enum(VERSIONING_BEHAVIORS, { error: `must be ${VERSIONING_BEHAVIORS.join(' or ')}` })
      .default('AUTO_UPGRADE'),
    // On: the worker makes its version the deployment's current one once it polls (one-step
    // deploys). Off: a person or the pipeline does it (temporal worker deployment set-current-version).
    REFUNDFLOW_SET_CURRENT_VERSION: booleanFlag.default(true),
  })
  .superRefine((env, ctx) => {
    if (!env.REFUNDFLOW_DEPLOYMENT_NAME && env.REFUNDFLOW_BUILD_ID)
      ctx.addIssue({
        code: 'custom',
        path: ['REFUNDFLOW_DEPLOYMENT_NAME'],
        message: 'is required with REFUNDFLOW_BUILD_ID (versioning is on only with a deployment name)',
      });
  })
  .transform((env) =>
    env.REFUNDFLOW_DEPLOYMENT_NAME
      ? {
          enabled: true as const,
          deploymentName: env.REFUNDFLOW_DEPLOYMENT_NAME,
          buildId: env.REFUNDFLOW_BUILD_ID,
          defaultBehavior: env.REFUNDFLOW_VERSIONING_BEHAVIOR,
          setCurrentVersion: env.REFUNDFLOW_SET_CURRENT_VERSION,
        }
      : { enabled: false as const },
  );

// ---- embedded stack (stack/main.ts) ---------------------------------------------------------

// The stack runs the Temporal dev server itself: its frontend listens on TEMPORAL_ADDRESS's port,
// its Web UI on this one. Only `npm start` reads it.
// REFUNDFLOW_SANDBOX_WEBHOOKS=false: the sandbox still settles refunds but posts no webhooks, so
// cases learn of settlement only from their own fallback status checks (a timer) — to try them.
const embeddedSchema = z
  .object({ TEMPORAL_UI_PORT: port(8233), REFUNDFLOW_SANDBOX_WEBHOOKS: booleanFlag.default(true) })
  .transform((env) => ({
    temporalUiPort: env.TEMPORAL_UI_PORT,
    sandboxWebhooks: env.REFUNDFLOW_SANDBOX_WEBHOOKS,
  }));

// ---- the whole -------------------------------------------------------------------------------

const sections = {
  temporal: temporalSchema,
  encryption: encryptionSchema,
  api: apiSchema,
  email: emailSchema,
  payments: paymentsSchema,
  billing: billingSchema,
  process: processSchema,
  versioning: versioningSchema,
  embedded: embeddedSchema,
  ledger: ledgerSchema,
} as const;

export type Config = { readonly [K in keyof typeof sections]: z.output<(typeof sections)[K]> };
export type TemporalConfig = Config['temporal'];
export type ApiConfig = Config['api'];
export type EmailConfig = Config['email'];
export type PaymentsConfig = Config['payments'];
export type BillingConfig = Config['billing'];
export type ProcessConfig = Config['process'];
export type VersioningConfig = Config['versioning'];
export type LedgerConfig = Config['ledger'];

/**
 * Reads and validates the configuration. Throws a ConfigError listing every bad variable at
 * once, so an operator fixes a deployment in one round rather than one variable per restart.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (FOO= in an env file) means "not set", as it does for most tools.
  const known: Env = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name]?.trim();
    if (value) known[name] = value;
  }
  const issues: { variable: string; message: string }[] = [];
  const config: Record<string, unknown> = {};
  for (const [section, schema] of Object.entries(sections)) {
    const result = schema.safeParse(known);
    if (result.success) config[section] = result.data;
    else
      for (const issue of result.error.issues)
        issues.push({ variable: String(issue.path[0] ?? section), message: issue.message });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return config as Config;
}

// The Temporal connection and payload encryption sections of the configuration (config/index.ts
// reads them with the rest, naming every bad variable at once).
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from './defaults';
import { booleanFlag, commaList, readableFile } from './fields';

// ---- Temporal connection ---------------------------------------------------------------------

export interface TemporalTlsConfig {
  /** Client certificate and key for mTLS to a self-hosted cluster. */
  clientCertPath?: string;
  clientKeyPath?: string;
  /** CA of a cluster whose certificate the system does not trust. */
  serverCaPath?: string;
  serverName?: string;
}

export const temporalSchema = z
  .object({
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/, 'must be host:port')
      .default('localhost:7233'),
    TEMPORAL_NAMESPACE: z.string().default('default'),
    TEMPORAL_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE),
    TEMPORAL_TLS: booleanFlag.optional(),
    TEMPORAL_TLS_CERT_PATH: readableFile.optional(),
    TEMPORAL_TLS_KEY_PATH: readableFile.optional(),
    TEMPORAL_TLS_CA_PATH: readableFile.optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
    TEMPORAL_API_KEY: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    // A certificate without its key (or the reverse) is always a mistake, never "no mTLS".
    if (env.TEMPORAL_TLS_CERT_PATH && !env.TEMPORAL_TLS_KEY_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_KEY_PATH'],
        message: 'is required with TEMPORAL_TLS_CERT_PATH',
      });
    }
    if (env.TEMPORAL_TLS_KEY_PATH && !env.TEMPORAL_TLS_CERT_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_CERT_PATH'],
        message: 'is required with TEMPORAL_TLS_KEY_PATH',
      });
    }
    const wantsTls =
      env.TEMPORAL_API_KEY ||
      env.TEMPORAL_TLS_CERT_PATH ||
      env.TEMPORAL_TLS_CA_PATH ||
      env.TEMPORAL_TLS_SERVER_NAME;
    if (env.TEMPORAL_TLS === false && wantsTls) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS'],
        message: 'is false, but TLS settings or TEMPORAL_API_KEY are set',
      });
    }
  })
  .transform((env) => {
    const tlsOn =
      env.TEMPORAL_TLS ??
      Boolean(
        env.TEMPORAL_API_KEY ||
        env.TEMPORAL_TLS_CERT_PATH ||
        env.TEMPORAL_TLS_CA_PATH ||
        env.TEMPORAL_TLS_SERVER_NAME,
      );
    const tls: TemporalTlsConfig | undefined = tlsOn
      ? {
          clientCertPath: env.TEMPORAL_TLS_CERT_PATH,
          clientKeyPath: env.TEMPORAL_TLS_KEY_PATH,
          serverCaPath: env.TEMPORAL_TLS_CA_PATH,
          serverName: env.TEMPORAL_TLS_SERVER_NAME,
        }
      : undefined;
    return {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      tls,
      apiKey: env.TEMPORAL_API_KEY,
    };
  });

// ---- payload encryption ----------------------------------------------------------------------

export interface EncryptionConfig {
  /** The key new payloads are encrypted with. */
  activeKeyId: string;
  /** Every key that may still decrypt history: the active one and those rotated out. */
  keys: ReadonlyMap<string, Uint8Array>;
  /** Decode unsealed payloads as they are (a migration flag for histories older than encryption). */
  acceptPlaintext?: boolean;
}

export const encryptionSchema = z
  .object({
    REFUNDFLOW_ENCRYPTION_KEYS: z
      .string({ error: 'is required: comma-separated keyId:base64 (32 bytes) pairs' })
      .transform((value, ctx) => {
        const keys = new Map<string, Uint8Array>();
        // Messages name entries by position: echoing an entry could print key material to a log.
        for (const [index, entry] of commaList(value).entries()) {
          const separator = entry.indexOf(':');
          const keyId = entry.slice(0, separator).trim();
          const material = entry.slice(separator + 1).trim();
          if (separator <= 0 || !/^[A-Za-z0-9._-]+$/.test(keyId)) {
            ctx.addIssue({ code: 'custom', message: `entry ${index + 1} is not keyId:base64` });
            continue;
          }
          const bytes = Buffer.from(material, 'base64');
          // Round-trip check: Buffer.from silently skips characters that are not base64.
          if (
            bytes.length !== 32 ||
            bytes.toString('base64').replace(/=+$/, '') !== material.replace(/=+$/, '')
          ) {
            ctx.addIssue({ code: 'custom', message: `key ${keyId} must be 32 bytes of base64 (AES-256)` });
            continue;
          }
          if (keys.has(keyId)) ctx.addIssue({ code: 'custom', message: `key id ${keyId} appears twice` });
          keys.set(keyId, new Uint8Array(bytes));
        }
        if (keys.size === 0) ctx.addIssue({ code: 'custom', message: 'lists no key' });
        return keys;
      }),
    REFUNDFLOW_ENCRYPTION_KEY_ID: z.string().optional(),
    REFUNDFLOW_CODEC_ACCEPT_PLAINTEXT: booleanFlag.default(false),
  })
  .transform((env, ctx): EncryptionConfig => {
    const keys = env.REFUNDFLOW_ENCRYPTION_KEYS;
    // With a single key there is nothing to choose; with several, the operator must say which.
    const activeKeyId =
      env.REFUNDFLOW_ENCRYPTION_KEY_ID ?? (keys.size === 1 ? [...keys.keys()][0] : undefined);
    if (activeKeyId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['REFUNDFLOW_ENCRYPTION_KEY_ID'],
        message: 'is required when REFUNDFLOW_ENCRYPTION_KEYS lists several keys',
      });
      return z.NEVER;
    }
    if (!keys.has(activeKeyId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['REFUNDFLOW_ENCRYPTION_KEY_ID'],
        message: `names ${activeKeyId}, which REFUNDFLOW_ENCRYPTION_KEYS does not list`,
      });
      return z.NEVER;
    }
    return { activeKeyId, keys, acceptPlaintext: env.REFUNDFLOW_CODEC_ACCEPT_PLAINTEXT };
  });

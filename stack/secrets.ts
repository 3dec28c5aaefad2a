// Secrets the embedded stack creates on first run and keeps in the data folder (mode 0600), so a
// restart opens the same history with the same keys; a variable set in the environment wins.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateEncryptionKey } from '../codec/codec';
import { API_ROLES } from '../config';
import { stackFiles } from './dev-server';

/** Writes a file only its owner may read (keys, secrets). */
function writeSecret(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600); // the mode above does not apply when the file already existed
}

function readOrCreate(file: string, create: () => string): { value: string; created: boolean } {
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value) return { value, created: false };
  }
  const value = create();
  writeSecret(file, `${value}\n`);
  return { value, created: true };
}

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;
const KEY_PREFIX: Record<(typeof API_ROLES)[number], string> = {
  checkout: 'ck',
  support: 'sk',
  reviewer: 'rk',
  admin: 'ak',
};

export interface StackSecrets {
  env: NodeJS.ProcessEnv;
  /** Which of the three the stack made up or read from the data folder (not from the environment). */
  fromDataDir: { encryptionKey?: string; apiKeys?: string; webhookSecret?: string };
  created: string[];
}

/**
 * Fills REFUNDFLOW_ENCRYPTION_KEYS, REFUNDFLOW_API_KEYS and REFUNDFLOW_WEBHOOK_SECRET from the
 * data folder when the environment does not set them, creating each on first run. A variable
 * that is set always wins, and is never written to disk.
 */
export function ensureSecrets(dataDir: string, env: NodeJS.ProcessEnv): StackSecrets {
  const out: NodeJS.ProcessEnv = { ...env };
  const fromDataDir: StackSecrets['fromDataDir'] = {};
  const created: string[] = [];
  const fill = (
    variable: string,
    file: string,
    create: () => string,
    parse: (text: string) => string = (t) => t,
  ) => {
    if (env[variable]?.trim()) return;
    const full = path.join(dataDir, file);
    const { value, created: isNew } = readOrCreate(full, create);
    out[variable] = parse(value);
    if (isNew) created.push(full);
    return full;
  };
  fromDataDir.encryptionKey = fill('REFUNDFLOW_ENCRYPTION_KEYS', stackFiles.encryptionKey, () =>
    generateEncryptionKey('local-1'),
  );
  // api-keys.env holds one REFUNDFLOW_API_KEYS=… line, so it can be sourced by a shell too.
  fromDataDir.apiKeys = fill(
    'REFUNDFLOW_API_KEYS',
    stackFiles.apiKeys,
    () => `REFUNDFLOW_API_KEYS=${API_ROLES.map((role) => `${role}:${token(KEY_PREFIX[role])}`).join(',')}`,
    (text) => text.replace(/^REFUNDFLOW_API_KEYS=/, ''),
  );
  // Only the sandbox gateway signs with a secret of ours; Stripe's comes from the environment.
  if ((env.REFUNDFLOW_PAYMENTS?.trim() || 'sandbox') === 'sandbox') {
    fromDataDir.webhookSecret = fill('REFUNDFLOW_WEBHOOK_SECRET', stackFiles.webhookSecret, () =>
      token('whsec'),
    );
  }
  return { env: out, fromDataDir, created };
}

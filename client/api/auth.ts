// API keys and roles. Keys come from REFUNDFLOW_API_KEYS as role:key pairs; a request names its
// key as `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests with timingSafeEqual
// over every key, so neither a key's length nor its position in the list leaks through timing.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKey, ApiRole, EncryptionConfig } from '../../config';
import type { Actor } from '../../workflows/messages';

export interface Caller {
  role: ApiRole;
  /** A keyed digest naming the key in timelines and logs without revealing it. */
  keyId: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The secret that key ids and customer-email digests are keyed with: REFUNDFLOW_KEY_ID_SECRET, or
 * one derived from the active encryption key (so it is stable across restarts without another
 * variable), or a random one for a process that has neither (tests).
 */
export function keyIdSecret(explicit: string | undefined, encryption?: EncryptionConfig): Buffer {
  if (explicit) return Buffer.from(explicit, 'utf8');
  const material = encryption?.keys.get(encryption.activeKeyId);
  if (!material) return randomBytes(32);
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'refundflow key ids', 32));
}

/** A keyed digest of `value`: the same value gives the same digest only under the same secret. */
export function keyedDigest(secret: Uint8Array, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\0${value}`, 'utf8').digest('hex');
}

/** Returns the caller a raw Authorization header stands for, or undefined for none or a wrong key. */
export function keyResolver(
  keys: readonly ApiKey[],
  secret: Uint8Array = randomBytes(32),
): (authorization: string | undefined) => Caller | undefined {
  // 64 bits of an HMAC: unlike a plain hash prefix, it cannot be used to test guesses of a key.
  const known = keys.map((k) => ({
    role: k.role,
    digest: digest(k.key),
    keyId: `key-${keyedDigest(secret, 'api-key', k.key).slice(0, 16)}`,
  }));
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = digest(match[1] as string);
    let found: Caller | undefined;
    for (const key of known) {
      if (timingSafeEqual(key.digest, presented)) found = { role: key.role, keyId: key.keyId };
    }
    return found;
  };
}

/** Admin may do everything; every other role only what a route lists. */
export function roleAllows(role: ApiRole, allowed: readonly ApiRole[]): boolean {
  return role === 'admin' || allowed.includes(role);
}

/** The actor the API writes into the case timeline: the key's role, never what the body claims. */
export function actorOf(caller: Caller): Actor {
  return { role: caller.role, id: caller.keyId };
}

// API keys and roles. Keys come from REFUNDFLOW_API_KEYS as role:key pairs; a request names its
// key as `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests with timingSafeEqual
// over every key, so neither a key's length nor its position in the list leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey, ApiRole } from '../../worker/config';
import type { Actor } from '../../workflows/messages';

export interface Caller {
  role: ApiRole;
  /** A short digest naming the key in timelines and logs without revealing it. */
  keyId: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Returns the caller a raw Authorization header stands for, or undefined for none or a wrong key. */
export function keyResolver(
  keys: readonly ApiKey[],
): (authorization: string | undefined) => Caller | undefined {
  const known = keys.map((k) => ({ role: k.role, digest: digest(k.key) }));
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = digest(match[1] as string);
    let found: Caller | undefined;
    for (const key of known) {
      if (timingSafeEqual(key.digest, presented))
        found = { role: key.role, keyId: `key-${key.digest.subarray(0, 4).toString('hex')}` };
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

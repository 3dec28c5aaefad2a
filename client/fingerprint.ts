// Digests of what a case was started with and of a write's body: canonical JSON (keys sorted,
// undefined dropped), so the same content always gives the same digest.
import { createHash } from 'node:crypto';
import type { Order, Policy } from '../policies';

/** A stable digest of what makes a case: the pinned policy and the order, keys sorted. */
export function caseFingerprint(policy: Pick<Policy, 'id' | 'version'>, order: Order): string {
  return createHash('sha256')
    .update(canonicalJson({ policyId: policy.id, policyVersion: policy.version, order }))
    .digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

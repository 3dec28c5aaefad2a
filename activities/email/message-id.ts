// The Message-ID is a function of the idempotency key, so even a resend after a crash (sent,
// but not yet recorded) carries the same id and mail clients show one message.
import { createHash } from 'node:crypto';

export function messageIdFor(idempotencyKey: string, domain: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}@${domain}>`;
}

/** The domain part of a From address such as `Refundflow <refunds@example.com>`. */
export function domainOf(address: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(address);
  return match?.[1] ?? 'refundflow.local';
}

// Webhook signatures in Stripe's scheme: `Refundflow-Signature: t=<unix seconds>,v1=<hex>`,
// where v1 is HMAC-SHA256 over "<t>.<raw body>". The timestamp bounds replays; several v1
// entries may be present while a secret is being rotated.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Refundflow-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** HMAC over "<t>." and then the body's bytes exactly: two bodies that decode alike still differ. */
function hmac(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret)
    .update(`${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}

/** The header value for `body` sent at `timestamp` (unix seconds). */
export function signWebhook(
  secret: string,
  body: string | Buffer,
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * True only when some v1 signature matches the raw body (exact bytes as received) and the
 * timestamp is within `toleranceSeconds` of now. Comparison is constant-time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  rawBody: string | Buffer,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (!secret || !header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, timestamp, rawBody), 'hex');
  return candidates.some((c) => timingSafeEqual(expected, Buffer.from(c, 'hex')));
}

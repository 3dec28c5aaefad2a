// One JSON request to a peer service over HTTP (the billing service, the sandbox gateway): the
// bearer key, the idempotency key, a timeout that Temporal's cancellation also ends, and a
// network fault as a TransientError naming the peer. What an answer means is each adapter's.
import { callSignal } from './activity-context';
import { errorMessage, TransientError } from './errors';

export interface PeerSettings {
  apiKey?: string | undefined;
  timeoutMs: number;
}

/** Sends the request; answers the response and its body text (empty when it cannot be read). */
export async function requestPeer(
  peer: string,
  base: string,
  path: string,
  settings: PeerSettings,
  method: 'GET' | 'POST',
  body?: unknown,
  idempotencyKey?: string,
): Promise<{ response: Response; text: string }> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: callSignal(settings.timeoutMs),
    });
  } catch (err) {
    throw new TransientError(`${peer} ${method} ${path} failed: ${errorMessage(err)}`, { cause: err });
  }
  return { response, text: await response.text().catch(() => '') };
}

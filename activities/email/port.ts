// The email port: deliver one rendered message, exactly once per idempotency key.
// Templates are rendered before the port is called, so adapters only move bytes.

export interface OutgoingEmail {
  /** Derived from the workflow id; the adapter never delivers two messages for one key. */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** For the outbox listing and headers; not used for delivery. */
  orderId: string;
  kind: string;
}

export interface SentEmail {
  messageId: string;
  /** True when this key had already been delivered and nothing new was sent. */
  duplicate: boolean;
}

export interface EmailPort {
  send(message: OutgoingEmail): Promise<SentEmail>;
  close?(): Promise<void>;
}

// The SMTP adapter, on nodemailer. Idempotency: a sent-log keyed by the idempotency key is
// checked before sending and written after the server accepted the message; the Message-ID
// is derived from the same key, so the one window left (accepted, then the worker died
// before recording) yields a resend with the same Message-ID that mail clients collapse.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { NonRetryableErrors } from '../contract';
import { permanentFailure, TransientError } from '../errors';
import { domainOf, messageIdFor } from './message-id';
import type { EmailPort, OutgoingEmail, SentEmail } from './port';
import type { SentLog } from './sent-log';

export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  /** Refuse to send without STARTTLS (production relays should set this). */
  requireTls: boolean;
  user?: string;
  password?: string;
  /** From header, e.g. `Refundflow <refunds@example.com>`. */
  from: string;
  /** Bounds every stage: connect, greeting, and each socket read. */
  timeoutMs: number;
  /** Accept self-signed certificates (test relays only). */
  allowInvalidCertificates?: boolean;
}

export class SmtpEmailAdapter implements EmailPort {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    private readonly config: SmtpConfig,
    private readonly sentLog: SentLog,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTls,
      ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
      dnsTimeout: config.timeoutMs,
      tls: { rejectUnauthorized: !config.allowInvalidCertificates },
    });
  }

  async send(message: OutgoingEmail): Promise<SentEmail> {
    const { record, duplicate } = await this.sentLog.once(message.idempotencyKey, async () => {
      const messageId = messageIdFor(message.idempotencyKey, domainOf(this.config.from));
      try {
        await this.transport.sendMail({
          from: this.config.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId,
          headers: { 'X-Refundflow-Order': message.orderId, 'X-Refundflow-Kind': message.kind },
        });
      } catch (err) {
        throw classifySmtpError(err, message.to);
      }
      return {
        idempotencyKey: message.idempotencyKey,
        messageId,
        recipient: message.to,
        sentAt: this.now().toISOString(),
      };
    });
    return { messageId: record.messageId, duplicate };
  }

  async close(): Promise<void> {
    this.transport.close();
    await this.sentLog.close();
  }
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  rejected?: unknown[];
}

/** 5xx replies are the server's final word; everything else (4xx, network, auth) may clear. */
export function classifySmtpError(err: unknown, recipient: string): Error {
  const e = (err ?? {}) as NodemailerError;
  const detail = e.response ?? (err instanceof Error ? err.message : String(err));
  const permanent =
    typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600 && e.code !== 'EAUTH';
  if (permanent && (e.command === 'RCPT TO' || e.code === 'EENVELOPE')) {
    return permanentFailure(
      NonRetryableErrors.InvalidRecipient,
      `The mail server refused recipient ${recipient}: ${detail}`,
      { responseCode: e.responseCode },
    );
  }
  if (permanent && e.command !== 'MAIL FROM') {
    return permanentFailure(
      NonRetryableErrors.EmailRejected,
      `The mail server refused the message: ${detail}`,
      { responseCode: e.responseCode },
    );
  }
  // MAIL FROM refusals and auth failures are our configuration: retry so a fix heals the case.
  return new TransientError(
    `SMTP delivery failed (${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}): ${detail}`,
    { cause: err },
  );
}

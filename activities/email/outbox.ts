// The embedded email default: every message is written to a local SQLite outbox instead of
// being delivered, and the support UI lists it. Idempotency: the idempotency key is the
// table's unique key, so a retried activity finds its earlier row and writes nothing new.
import { openDatabase, type Db } from '../sqlite';
import { domainOf, messageIdFor } from './message-id';
import type { EmailPort, OutgoingEmail, SentEmail } from './port';

export interface OutboxMessage {
  seq: number;
  messageId: string;
  idempotencyKey: string;
  orderId: string;
  kind: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: string;
}

export interface OutboxQuery {
  limit?: number;
  orderId?: string;
  /** Only messages older than this one (the next page after a page ending at it). */
  beforeSeq?: number;
}

export interface OutboxPage {
  messages: OutboxMessage[];
  /** Messages under the same `orderId` filter, all pages together. */
  total: number;
  /** The `beforeSeq` of the next page; absent on the last. */
  nextBeforeSeq?: number;
}

const schema = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT NOT NULL UNIQUE,
  message_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  sender TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_order ON outbox (order_id, seq);
`;

interface Row {
  seq: number;
  idempotency_key: string;
  message_id: string;
  order_id: string;
  kind: string;
  sender: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: string;
}

const toMessage = (r: Row): OutboxMessage => ({
  seq: r.seq,
  messageId: r.message_id,
  idempotencyKey: r.idempotency_key,
  orderId: r.order_id,
  kind: r.kind,
  from: r.sender,
  to: r.recipient,
  subject: r.subject,
  text: r.text_body,
  html: r.html_body,
  createdAt: r.created_at,
});

export class EmailOutbox implements EmailPort {
  private constructor(
    private readonly db: Db,
    private readonly from: string,
    private readonly now: () => Date,
  ) {}

  static open(file: string, options: { from: string; now?: () => Date }): EmailOutbox {
    const db = openDatabase(file);
    db.exec(schema);
    return new EmailOutbox(db, options.from, options.now ?? (() => new Date()));
  }

  async send(message: OutgoingEmail): Promise<SentEmail> {
    const messageId = messageIdFor(message.idempotencyKey, domainOf(this.from));
    const inserted = this.db
      .prepare(
        `INSERT INTO outbox (idempotency_key, message_id, order_id, kind, sender, recipient, subject, text_body, html_body, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
      )
      .run(
        message.idempotencyKey,
        messageId,
        message.orderId,
        message.kind,
        this.from,
        message.to,
        message.subject,
        message.text,
        message.html,
        this.now().toISOString(),
      );
    const row = this.db
      .prepare('SELECT message_id FROM outbox WHERE idempotency_key = ?')
      .get(message.idempotencyKey) as { message_id: string };
    return { messageId: row.message_id, duplicate: inserted.changes === 0 };
  }

  /** Newest first; `orderId` narrows to one case, `beforeSeq` starts after an earlier page. */
  list(query: OutboxQuery = {}): OutboxMessage[] {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
    const where = [
      ...(query.orderId !== undefined ? ['order_id = @orderId'] : []),
      ...(query.beforeSeq !== undefined ? ['seq < @beforeSeq'] : []),
    ];
    const rows = this.db
      .prepare(
        `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`,
      )
      .all({
        limit,
        ...(query.orderId !== undefined ? { orderId: query.orderId } : {}),
        ...(query.beforeSeq !== undefined ? { beforeSeq: query.beforeSeq } : {}),
      });
    return (rows as Row[]).map(toMessage);
  }

  /** A page and the total under the same filter, read in one transaction so they agree. */
  page(query: OutboxQuery = {}): OutboxPage {
    return this.db.transaction(() => {
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
      // One row more than asked says whether another page follows.
      const rows = this.list({ ...query, limit: limit + 1 });
      const { total } = this.db
        .prepare(
          `SELECT COUNT(*) AS total FROM outbox ${query.orderId !== undefined ? 'WHERE order_id = ?' : ''}`,
        )
        .get(...(query.orderId !== undefined ? [query.orderId] : [])) as { total: number };
      const messages = rows.slice(0, limit);
      return {
        messages,
        total,
        ...(rows.length > limit ? { nextBeforeSeq: messages[messages.length - 1]!.seq } : {}),
      };
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** For the API and support UI: a page of the outbox file, without keeping it open. */
export function pageOutbox(file: string, query: OutboxQuery = {}): OutboxPage {
  const outbox = EmailOutbox.open(file, { from: 'unused' });
  try {
    return outbox.page(query);
  } finally {
    void outbox.close();
  }
}

/** For the API and support UI: read the outbox file without keeping it open. */
export function listOutbox(file: string, query: OutboxQuery = {}): OutboxMessage[] {
  const outbox = EmailOutbox.open(file, { from: 'unused' });
  try {
    return outbox.list(query);
  } finally {
    void outbox.close();
  }
}

// The SMTP adapter's memory of what it delivered, keyed by idempotency key, so a retried
// activity does not send again. Kept in SQLite next to the worker (data/ in real use), or in
// PostgreSQL (./pg-sent-log.ts) when several workers on several hosts must share it.
import { openDatabase, type Db } from '../sqlite';

export interface SentRecord {
  idempotencyKey: string;
  messageId: string;
  recipient: string;
  sentAt: string;
}

export interface SentLog {
  /**
   * Runs `deliver` unless the key was delivered before, and records what it delivered. A shared
   * log also keeps two workers from delivering one key at the same time.
   */
  once(
    idempotencyKey: string,
    deliver: () => Promise<SentRecord>,
  ): Promise<{ record: SentRecord; duplicate: boolean }>;
  close(): void | Promise<void>;
}

export class SqliteSentLog implements SentLog {
  private constructor(private readonly db: Db) {}

  static open(file: string): SqliteSentLog {
    const db = openDatabase(file);
    db.exec(`CREATE TABLE IF NOT EXISTS smtp_sent (
      idempotency_key TEXT PRIMARY KEY,
      message_id TEXT NOT NULL,
      recipient TEXT NOT NULL,
      sent_at TEXT NOT NULL
    )`);
    return new SqliteSentLog(db);
  }

  async once(
    idempotencyKey: string,
    deliver: () => Promise<SentRecord>,
  ): Promise<{ record: SentRecord; duplicate: boolean }> {
    const earlier = this.find(idempotencyKey);
    if (earlier) return { record: earlier, duplicate: true };
    const record = await deliver();
    this.record(record);
    return { record, duplicate: false };
  }

  find(idempotencyKey: string): SentRecord | undefined {
    const row = this.db
      .prepare(
        'SELECT idempotency_key, message_id, recipient, sent_at FROM smtp_sent WHERE idempotency_key = ?',
      )
      .get(idempotencyKey) as
      { idempotency_key: string; message_id: string; recipient: string; sent_at: string } | undefined;
    return (
      row && {
        idempotencyKey: row.idempotency_key,
        messageId: row.message_id,
        recipient: row.recipient,
        sentAt: row.sent_at,
      }
    );
  }

  record(entry: SentRecord): void {
    this.db
      .prepare(
        'INSERT INTO smtp_sent (idempotency_key, message_id, recipient, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING',
      )
      .run(entry.idempotencyKey, entry.messageId, entry.recipient, entry.sentAt);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

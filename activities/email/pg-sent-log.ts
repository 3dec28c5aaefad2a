// The SMTP sent-log in PostgreSQL, for workers on several hosts: each host's SQLite file would let
// a retry that lands on another worker send the email again. A session advisory lock per key
// serialises delivery across workers; a worker that dies mid-send drops its connection, and with
// it the lock, so the retry proceeds (and finds the record if the send had been recorded).
import { Pool, type PoolClient } from 'pg';
import type { SentLog, SentRecord } from './sent-log';

const TABLE = 'refundflow_smtp_sent';

export class PostgresSentLog implements SentLog {
  private readonly pool: Pool;
  private ready: Promise<void> | undefined;

  /** `url`: postgres://user:password@host:port/database */
  constructor(url: string, options: { maxConnections?: number } = {}) {
    this.pool = new Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
    });
    // A connection PostgreSQL dropped (restart, failover) must not crash the worker.
    this.pool.on('error', () => undefined);
  }

  private ensureTable(client: PoolClient): Promise<void> {
    this.ready ??= client
      .query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (
          idempotency_key TEXT PRIMARY KEY,
          message_id TEXT NOT NULL,
          recipient TEXT NOT NULL,
          sent_at TIMESTAMPTZ NOT NULL
        )`,
      )
      .then(
        () => undefined,
        (err: { code?: string }) => {
          // Two workers creating the table at once: one wins, the other sees a duplicate type.
          if (err.code === '23505' || err.code === '42P07') return;
          this.ready = undefined;
          throw err;
        },
      );
    return this.ready;
  }

  async once(
    idempotencyKey: string,
    deliver: () => Promise<SentRecord>,
  ): Promise<{ record: SentRecord; duplicate: boolean }> {
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out client whose server goes away (a PostgreSQL restart) emits 'error'; unheard, it
    // would crash the worker. The query in flight fails too, so the activity is retried.
    const onError = () => (broken = true);
    client.on('error', onError);
    try {
      await this.ensureTable(client);
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [idempotencyKey]);
      try {
        const earlier = await client.query<{ message_id: string; recipient: string; sent_at: Date }>(
          `SELECT message_id, recipient, sent_at FROM ${TABLE} WHERE idempotency_key = $1`,
          [idempotencyKey],
        );
        const row = earlier.rows[0];
        if (row)
          return {
            record: {
              idempotencyKey,
              messageId: row.message_id,
              recipient: row.recipient,
              sentAt: row.sent_at.toISOString(),
            },
            duplicate: true,
          };
        const record = await deliver();
        await client.query(
          `INSERT INTO ${TABLE} (idempotency_key, message_id, recipient, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING`,
          [record.idempotencyKey, record.messageId, record.recipient, record.sentAt],
        );
        return { record, duplicate: false };
      } finally {
        await client
          .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [idempotencyKey])
          .catch(() => {
            broken = true; // the lock went with the connection
          });
      }
    } catch (err) {
      broken = true;
      throw err;
    } finally {
      // A connection in an unknown state is closed rather than handed to the next caller.
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

// Opening the ledger: SQLite in the data folder for the embedded stack, PostgreSQL (the same
// REFUNDFLOW_DATABASE_URL as the email sent-log) for the cluster and compose deployments. Every
// query goes through kysely so the two stores run the same code.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import type { LedgerDatabase, NewLedgerRow } from './schema';

export type LedgerLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface Ledger {
  readonly db: Kysely<LedgerDatabase>;
  readonly dialect: LedgerLocation['kind'];
  /** Appends rows; a row whose event_key is already there is skipped. Returns how many were new. */
  append(rows: readonly NewLedgerRow[]): Promise<number>;
  close(): Promise<void>;
}

export async function openLedger(location: LedgerLocation): Promise<Ledger> {
  const db =
    location.kind === 'sqlite'
      ? new Kysely<LedgerDatabase>({ dialect: new SqliteDialect({ database: openSqlite(location.file) }) })
      : new Kysely<LedgerDatabase>({
          dialect: new PostgresDialect({
            pool: (() => {
              const pool = new Pool({
                connectionString: location.url,
                max: 5,
                connectionTimeoutMillis: 10_000,
              });
              // A connection PostgreSQL dropped must not crash the process; the next query reconnects.
              pool.on('error', () => undefined);
              return pool;
            })(),
          }),
        });
  await migrate(db, location.kind);
  return {
    db,
    dialect: location.kind,
    async append(rows) {
      if (rows.length === 0) return 0;
      const inserted = await db
        .insertInto('ledger_events')
        .values([...rows])
        .onConflict((oc) => oc.column('event_key').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0);
    },
    close: () => db.destroy(),
  };
}

function openSqlite(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  // The worker writes while the API reads reports: WAL lets both proceed.
  database.pragma('journal_mode = WAL');
  // As the other embedded stores (activities/sqlite.ts): with WAL, NORMAL survives a process crash
  // and spares the worker an fsync per append (a lost tail after a power cut is the backfill's job).
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  return database;
}

async function migrate(db: Kysely<LedgerDatabase>, dialect: LedgerLocation['kind']): Promise<void> {
  try {
    await db.schema
      .createTable('ledger_events')
      .ifNotExists()
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('event_key', 'text', (c) => c.notNull().unique())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('policy_id', 'text', (c) => c.notNull())
      .addColumn('policy_version', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('amount_minor', 'bigint')
      .addColumn('currency', 'text')
      .addColumn('reason_codes', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('actor_role', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('requested_at', 'text')
      .addColumn('deadline_at', 'text')
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .execute();
    // Reports filter by time, policy and kind; the work queue and a case's history by order.
    await db.schema
      .createIndex('ledger_events_time')
      .ifNotExists()
      .on('ledger_events')
      .columns(['occurred_at', 'kind'])
      .execute();
    // Each report figure (ledger/reports.ts) reads one to three kinds over a time range, of every
    // policy or of one: these two indexes visit only those rows and cover every column the summary
    // reads, so it never touches the table (100,000 rows: scripts/bench/reports.ts).
    const reportColumns = [
      'outcome',
      'currency',
      'amount_minor',
      'requested_at',
      'deadline_at',
      'order_id',
      'reason_codes',
    ] as const;
    await db.schema
      .createIndex('ledger_events_report')
      .ifNotExists()
      .on('ledger_events')
      .columns(['kind', 'occurred_at', 'policy_id', ...reportColumns])
      .execute();
    await db.schema
      .createIndex('ledger_events_policy_report')
      .ifNotExists()
      .on('ledger_events')
      .columns(['policy_id', 'kind', 'occurred_at', ...reportColumns])
      .execute();
    await db.schema
      .createIndex('ledger_events_policy')
      .ifNotExists()
      .on('ledger_events')
      .columns(['policy_id', 'occurred_at'])
      .execute();
    await db.schema
      .createIndex('ledger_events_order')
      .ifNotExists()
      .on('ledger_events')
      .column('order_id')
      .execute();
  } catch (err) {
    // Two processes creating the table at once on PostgreSQL: one wins, the other sees a duplicate.
    const code = (err as { code?: string }).code;
    if (code !== '23505' && code !== '42P07') throw err;
  }
}

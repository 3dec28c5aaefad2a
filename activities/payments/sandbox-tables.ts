// The sandbox gateway's tables. `CREATE … IF NOT EXISTS`: the worker, the settler and the API
// each open the same file, whichever comes first.
export const sandboxTables = `
CREATE TABLE IF NOT EXISTS refunds (
  refund_id TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  order_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  payment_method TEXT NOT NULL,
  payment_reference TEXT,
  status TEXT NOT NULL,
  failure_reason TEXT,
  created_at TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  settled_at TEXT
);
CREATE INDEX IF NOT EXISTS refunds_order ON refunds (order_id);
CREATE INDEX IF NOT EXISTS refunds_pending ON refunds (status, created_ms);
CREATE TABLE IF NOT EXISTS failure_flags (
  order_id TEXT PRIMARY KEY,
  failure_reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_events (
  event_id TEXT PRIMARY KEY,
  refund_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  delivered_at TEXT,
  abandoned INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_due ON webhook_events (delivered_at, abandoned, next_attempt_ms);
`;

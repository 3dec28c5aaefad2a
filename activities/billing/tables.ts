// The embedded billing store's tables. `CREATE … IF NOT EXISTS`: opening an existing file
// changes nothing, so the API, the CLI and the worker may each open it first.
export const billingTables = `
CREATE TABLE IF NOT EXISTS customers (
  customer_id TEXT PRIMARY KEY,
  email TEXT,
  name TEXT,
  terms_violation INTEGER NOT NULL DEFAULT 0,
  abuse_suspected INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
  order_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  product_id TEXT,
  payment_method TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  purchased_at TEXT NOT NULL,
  billing_kind TEXT NOT NULL,
  period_start TEXT,
  period_end TEXT,
  quota_unit TEXT,
  quota_included REAL,
  access TEXT NOT NULL DEFAULT 'active',
  access_withdrawn_at TEXT,
  cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
  extension_days INTEGER NOT NULL DEFAULT 0,
  credited_minor INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id);
CREATE TABLE IF NOT EXISTS usage (
  order_id TEXT PRIMARY KEY,
  used REAL NOT NULL,
  reported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chargebacks (
  chargeback_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  closed_at TEXT
);
CREATE INDEX IF NOT EXISTS chargebacks_customer ON chargebacks (customer_id, closed_at);
CREATE TABLE IF NOT EXISTS refunds_paid (
  refund_ref TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  paid_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS refunds_paid_customer ON refunds_paid (customer_id, paid_at);
CREATE TABLE IF NOT EXISTS billing_actions (
  action_id TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  order_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  amount_minor INTEGER,
  currency TEXT,
  days INTEGER,
  period_end TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS billing_actions_order ON billing_actions (order_id);
`;

// The ledger rows as appendLedger's result records them in the case's history (the marker the
// backfill reads, ledger/backfill.ts). A batch's rows share their order and policy, most of their
// fields are null, and each event key is `${order_id}:${kind}:${n}`: the result carries what is
// shared once and each row without its nulls, which halves a marker's bytes. Unpacking gives back
// the very rows (the round trip is tested in test/ledger); a row that does not fit the pattern
// (another order or policy, an event key of another form) is carried whole.
import type { LedgerEntry } from './contract';

/** Fields a batch's rows share, written once. */
const SHARED = ['order_id', 'policy_id', 'policy_version'] as const;
type Shared = Pick<LedgerEntry, (typeof SHARED)[number]>;

/** A row without the shared fields, its nulls, a system actor and its event key (`n` rebuilds it). */
export type PackedRow = Partial<Omit<LedgerEntry, (typeof SHARED)[number] | 'event_key'>> & {
  kind: LedgerEntry['kind'];
  n: number;
};

export interface PackedLedgerRows {
  shared: Shared;
  rows: PackedRow[];
  /** Rows that did not fit the pattern, whole. */
  whole?: LedgerEntry[];
}

/** Most rows are the system's: a row without an actor_role is one. */
const SYSTEM = 'system';

const NULLABLE = ['outcome', 'amount_minor', 'currency', 'actor_id', 'requested_at', 'deadline_at'] as const;

export function packLedgerRows(rows: readonly LedgerEntry[]): PackedLedgerRows | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const shared: Shared = {
    order_id: first.order_id,
    policy_id: first.policy_id,
    policy_version: first.policy_version,
  };
  const packed: PackedLedgerRows = { shared, rows: [] };
  for (const row of rows) {
    const n = Number(row.event_key.slice(`${row.order_id}:${row.kind}:`.length));
    const fits =
      SHARED.every((field) => row[field] === shared[field]) &&
      Number.isInteger(n) &&
      n > 0 &&
      row.event_key === `${row.order_id}:${row.kind}:${n}`;
    if (!fits) {
      (packed.whole ??= []).push(row);
      continue;
    }
    const small: PackedRow = { kind: row.kind, n, occurred_at: row.occurred_at };
    if (row.actor_role !== SYSTEM) small.actor_role = row.actor_role;
    if (row.reason_codes !== '[]') small.reason_codes = row.reason_codes;
    for (const field of NULLABLE) {
      const value = row[field];
      if (value !== null && value !== undefined) Object.assign(small, { [field]: value });
    }
    packed.rows.push(small);
  }
  return packed;
}

export function unpackLedgerRows(packed: PackedLedgerRows): LedgerEntry[] {
  const { shared } = packed;
  const rows = packed.rows.map(({ n, ...row }): LedgerEntry => ({
    event_key: `${shared.order_id}:${row.kind}:${n}`,
    order_id: shared.order_id,
    kind: row.kind,
    occurred_at: row.occurred_at ?? '',
    policy_id: shared.policy_id,
    policy_version: shared.policy_version,
    outcome: row.outcome ?? null,
    amount_minor: row.amount_minor ?? null,
    currency: row.currency ?? null,
    reason_codes: row.reason_codes ?? '[]',
    actor_role: row.actor_role ?? SYSTEM,
    actor_id: row.actor_id ?? null,
    requested_at: row.requested_at ?? null,
    deadline_at: row.deadline_at ?? null,
  }));
  return [...rows, ...(packed.whole ?? [])];
}

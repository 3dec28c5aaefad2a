// The case's rows in the ledger (ledger/schema.ts): which timeline entries matter to money and
// promises, as rows keyed `${orderId}:${kind}:${n}` (n counts that kind on the case, carried across
// continue-as-new), so a retried write or the backfill never adds one twice. Rows wait in the case's
// state and go out in one local activity per workflow task (cheap in history: one marker, no
// activity task). A ledger that is down answers `written: false`; the rows stay queued and go
// again on the effect queue's backoff, on a durable timer, while the case goes on untouched.
// A case opened on the rollup (patches.ts) hands its 'opened' row to the worker through a sink
// (no local activity in the first task: ~2.5 ms of worker CPU per case, issue 15) and keeps it
// pending, not due: it goes again, idempotently, with the case's next write, which also puts it
// in history for the backfill. A ledger down at open therefore gets it with that next write.
// Customer personal data never reaches a row: ids, amounts, codes and staff actors only.
import { proxyLocalActivities, proxySinks, workflowInfo, type Sinks } from '@temporalio/workflow';
import type { LedgerEntry, RefundActivities } from '../../activities/contract';
import type { LedgerKind } from '../../ledger/schema';
import type { TimelineEntry } from '../case-state';
import type { Actor } from '../message-definitions';
import { backoffMs } from './effect-queue';
import type { CaseModel } from './model';

/** The patch that brought the ledger's writes (README, "Changing the workflow safely"). */
export const LEDGER_PATCH = 'ledger';
/** Rows per call: keeps one marker's payload small whatever a long outage queued. */
const BATCH = 100;
const MINUTE = 60_000;
/** Staff roles keep their key id on a row; a customer's identity never goes in. */
const STAFF = new Set(['checkout', 'support', 'reviewer', 'admin']);

/** What the ledger carries across continue-as-new (workflows/case/carry.ts). */
export interface CarriedLedger {
  /** Rows written so far per kind: the n of the next event key. */
  counts: Partial<Record<LedgerKind, number>>;
  /** Rows not yet written, oldest first. */
  pending: LedgerEntry[];
  failures: number;
  retryAt?: string;
  /** Keys of pending rows the sink had already (the opened row): they go with a write, never alone. */
  riding?: string[];
}

/** The worker's side of the opened row (worker/ledger-sink.ts): appends, never throws, not on replay. */
export interface LedgerSinks extends Sinks {
  ledger: { write(rows: LedgerEntry[]): void };
}

const { ledger: sink } = proxySinks<LedgerSinks>();

// A short bound: the activity answers within 1 s whatever the database does (activities/ledger.ts).
const writer = proxyLocalActivities<RefundActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});

export class CaseLedger {
  readonly queue: CarriedLedger;

  constructor(
    private readonly model: CaseModel,
    carried?: CarriedLedger,
    /** The run has the rollup: its opened row goes by sink and rides with the next write. */
    private readonly openedBySink = false,
  ) {
    this.queue = carried ?? { counts: {}, pending: [], failures: 0 };
  }

  /** Turns a timeline entry into the rows it owes (most owe none). */
  observe(entry: TimelineEntry): void {
    const { state, order } = this.model;
    const data = entry.data ?? {};
    const payoutOf = (refundId: unknown) =>
      [state.payout, ...(state.earlierPayouts ?? [])].find((p) => p && p.refundId === refundId) ??
      state.payout;
    switch (entry.type) {
      case 'case_opened':
        this.add('opened', entry, { deadline_at: state.deadlines.requestWindowEndsAt });
        if (this.openedBySink) this.handOver();
        return;
      case 'refund_requested':
        return this.add('requested', entry, {
          reason_codes: codes([state.request?.reason]),
          requested_at: state.request?.requestedAt ?? entry.at,
        });
      case 'issue_reported':
        return this.add('issue_reported', entry, { deadline_at: state.deadlines.remediationDeadline });
      case 'escalated': {
        const code = typeof data.tag === 'string' ? codeOf(data.tag) : undefined;
        this.add('escalated', entry, { reason_codes: codes([code]) });
        if (code === 'PAYOUT_LIMIT')
          this.add('payout_failed', entry, {
            reason_codes: codes(['PAYOUT_LIMIT_PASSED']),
            ...money(state.payout?.amountMinor ?? state.decision?.amountMinor, order.currency),
            deadline_at: state.deadlines.payoutDeadline,
          });
        return;
      }
      case 'decision': {
        const d = state.decision;
        if (!d || d.outcome === 'needs_review') return;
        return this.add('decided', entry, {
          outcome: d.outcome,
          ...money(d.creditMinor ?? d.amountMinor, d.currency),
          reason_codes: codes(d.reasons),
          requested_at: state.request?.requestedAt,
          deadline_at: state.deadlines.decisionTarget ?? state.deadlines.decisionDeadline,
        });
      }
      case 'payout_settled': {
        const payout = payoutOf(data.refundId);
        return this.add('paid', entry, {
          ...money(payout?.amountMinor, payout?.currency ?? order.currency),
          requested_at: state.request?.requestedAt,
          deadline_at: state.deadlines.payoutDeadline,
        });
      }
      case 'payout_recorded_outside':
        return this.add('paid', entry, {
          ...money(data.amountMinor as number | undefined, order.currency),
          reason_codes: codes(['OUTSIDE_GATEWAY']),
          requested_at: state.request?.requestedAt,
          deadline_at: state.deadlines.payoutDeadline,
        });
      case 'credit_issued': {
        const d = state.decision;
        return this.add('credited', entry, {
          ...money(d?.creditMinor ?? d?.amountMinor, order.currency),
          requested_at: state.request?.requestedAt,
        });
      }
      case 'payout_failed':
        return this.add('payout_failed', entry, {
          reason_codes: codes([state.payout?.failureReason]),
          ...money(state.payout?.amountMinor, state.payout?.currency ?? order.currency),
          deadline_at: state.deadlines.payoutDeadline,
        });
      case 'withdrawn':
        return this.add('withdrawn', entry);
      case 'disputed':
        return this.add('disputed', entry, { deadline_at: state.deadlines.disputeWindowEndsAt });
      case 'chargeback_opened':
        return this.add('chargeback_opened', entry);
      case 'chargeback_withdrawn':
        return this.add('chargeback_closed', entry);
      case 'status_changed':
        if (data.to === 'expired') this.add('expired', entry);
        return;
    }
  }

  /** The run ends: the case's last row. */
  closed(at: string): void {
    this.add('closed', { at, actor: { role: 'system' } }, { outcome: this.model.state.status });
  }

  /** Rows wait and no retry is scheduled later than now. */
  due(): boolean {
    const { retryAt } = this.queue;
    return this.owes() && (!retryAt || Date.parse(retryAt) <= this.model.nowMs());
  }

  /** When a failed write is tried again (the main loop's timer includes it). */
  wakeAt(): string | undefined {
    return this.owes() ? this.queue.retryAt : undefined;
  }

  /** Rows wait that no sink has had: a riding row alone asks for no write and no timer. */
  private owes(): boolean {
    const { pending, riding } = this.queue;
    return riding ? pending.some((row) => !riding.includes(row.event_key)) : pending.length > 0;
  }

  /** The row just added goes to the worker's ledger now, and stays pending for the next write. */
  private handOver(): void {
    const row = this.queue.pending.at(-1)!;
    (this.queue.riding ??= []).push(row.event_key);
    // Replay (the worker's cache, `npm run replay`) handed it over already: no call, so replay
    // tools need no sink registered.
    if (!workflowInfo().unsafe.isReplaying) sink.write([row]);
  }

  /** Writes the oldest rows once; a failure schedules the next try and never throws. */
  async flush(): Promise<void> {
    const rows = this.queue.pending.slice(0, BATCH);
    if (rows.length === 0) return;
    let written = false;
    try {
      written = (await writer.appendLedger({ rows })).written;
    } catch {
      // A worker without the activity or a crashed call: the same as a ledger that is down.
    }
    const q = this.queue;
    if (written) {
      // Rows queued while the call ran stay behind the written ones.
      q.pending = q.pending.slice(rows.length);
      if (q.riding) {
        const sent = new Set(rows.map((row) => row.event_key));
        q.riding = q.riding.filter((key) => !sent.has(key));
        if (q.riding.length === 0) delete q.riding;
      }
      q.failures = 0;
      delete q.retryAt;
      return;
    }
    q.failures++;
    // On a whole minute, as the effect queue retries, so the same failures retry at the same moments.
    q.retryAt = new Date(
      Math.ceil((this.model.nowMs() + backoffMs(q.failures)) / MINUTE) * MINUTE,
    ).toISOString();
  }

  private add(
    kind: LedgerKind,
    entry: { at: string; actor: Actor },
    fields: Partial<Omit<LedgerEntry, 'reason_codes'>> & { reason_codes?: string } = {},
  ): void {
    const { state } = this.model;
    const n = (this.queue.counts[kind] ?? 0) + 1;
    this.queue.counts[kind] = n;
    const staff = STAFF.has(entry.actor.role);
    this.queue.pending.push({
      event_key: `${state.orderId}:${kind}:${n}`,
      order_id: state.orderId,
      kind,
      occurred_at: entry.at,
      policy_id: state.policyId,
      policy_version: String(state.policyVersion),
      outcome: null,
      amount_minor: null,
      currency: null,
      reason_codes: '[]',
      actor_role: entry.actor.role,
      actor_id: staff ? (entry.actor.id ?? null) : null,
      requested_at: null,
      deadline_at: null,
      ...definedOnly(fields),
    });
  }
}

function money(amountMinor: number | undefined, currency: string | undefined) {
  return amountMinor === undefined ? {} : { amount_minor: amountMinor, currency: currency ?? null };
}

function codes(list: readonly (string | undefined)[]): string {
  return JSON.stringify(list.filter((c): c is string => !!c));
}

/** An escalation's tag as a reason code: `double-payout-2` → `DOUBLE_PAYOUT`. */
function codeOf(tag: string): string {
  return tag
    .replace(/(-\d+)+$/, '')
    .replace(/-/g, '_')
    .toUpperCase();
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

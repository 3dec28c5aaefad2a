// The refunds desk's figures, read from the case ledger: requests, outcomes, money per currency,
// denial reasons, decision time against each policy's promise, escalations and payouts past their
// limit. Every query goes through kysely and uses only what SQLite and PostgreSQL share (no JSON or
// date functions): reason codes are grouped by their stored JSON text and counted here, decision
// times are computed here from the two ISO instants, which sort as text on both stores.
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { endOfDaysAfter, getPreset, type Policy } from '../policies';
import { pinHolidays } from '../policies/holidays';
import type { LedgerDatabase, LedgerKind, LedgerRow } from './schema';

/** The reported window: ISO 8601 UTC instants with milliseconds, `from` inclusive, `to` exclusive. */
export interface ReportRange {
  from: string;
  to: string;
  /** Only this policy's rows. */
  policy?: string;
}

export interface DecisionTime {
  policyId: string;
  /** The policy's promised decision time in days — its target, else its deadline (business days when `businessDays`); null for a policy no preset names. */
  promiseBusinessDays: number | null;
  /** Whether the promise counts business days (false: calendar days). */
  businessDays: boolean;
  p50Hours: number;
  p90Hours: number;
  /** Decisions made at or before the deadline in force (the row's deadline_at; without one, the promise from the request). */
  withinPromise: number;
  decided: number;
}

export interface ReportSummary {
  from: string;
  to: string;
  policy?: string;
  requests: number;
  outcomes: Record<string, number>;
  money: { currency: string; refundedMinor: number; creditedMinor: number }[];
  denialReasons: { code: string; count: number }[];
  decisionTime: DecisionTime[];
  /** Cases that escalated to a person in the window (each case once). */
  escalations: number;
  /** Cases whose payout failed at or after its limit, or was paid or credited after it (each case once). */
  payoutsPastLimit: number;
}

type Db = Kysely<LedgerDatabase>;

/** Outcomes that hand the case to a person rather than decide it: no decision time is measured. */
const NOT_A_DECISION = new Set(['needs_review']);

/** The ledger's rows in the window, optionally of one policy and of some kinds. */
function inRange(db: Db, range: ReportRange, kinds?: readonly LedgerKind[]) {
  let query = db
    .selectFrom('ledger_events')
    .where('occurred_at', '>=', range.from)
    .where('occurred_at', '<', range.to);
  if (kinds) query = query.where('kind', 'in', [...kinds]);
  if (range.policy !== undefined) query = query.where('policy_id', '=', range.policy);
  return query;
}

export async function reportSummary(db: Db, range: ReportRange): Promise<ReportSummary> {
  // Independent reads; on SQLite they run one after another anyway, on PostgreSQL in parallel.
  const [requests, outcomes, money, denials, decisions, escalations, payoutsPastLimit] = await Promise.all([
    inRange(db, range, ['requested'])
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
    inRange(db, range, ['decided'])
      .select(['outcome', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('outcome')
      .execute(),
    inRange(db, range, ['paid', 'credited'])
      .where('currency', 'is not', null)
      .select(['kind', 'currency', (eb) => eb.fn.sum<number | string | null>('amount_minor').as('total')])
      .groupBy(['kind', 'currency'])
      .execute(),
    inRange(db, range, ['decided'])
      .where('outcome', '=', 'denied')
      .select(['reason_codes', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('reason_codes')
      .execute(),
    inRange(db, range, ['decided'])
      .where('requested_at', 'is not', null)
      .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', 'not in', [...NOT_A_DECISION])]))
      .select(['policy_id', 'requested_at', 'occurred_at', 'deadline_at'])
      .execute(),
    inRange(db, range, ['escalated'])
      .select((eb) => eb.fn.count<number | string>('order_id').distinct().as('n'))
      .executeTakeFirstOrThrow(),
    inRange(db, range, ['paid', 'credited', 'payout_failed'])
      .where('deadline_at', 'is not', null)
      .where((eb) =>
        eb.or([
          eb.and([eb('kind', '=', 'payout_failed'), eb('occurred_at', '>=', eb.ref('deadline_at'))]),
          eb.and([eb('kind', '!=', 'payout_failed'), eb('occurred_at', '>', eb.ref('deadline_at'))]),
        ]),
      )
      .select((eb) => eb.fn.count<number | string>('order_id').distinct().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    from: range.from,
    to: range.to,
    ...(range.policy !== undefined ? { policy: range.policy } : {}),
    requests: Number(requests.n),
    outcomes: Object.fromEntries(
      outcomes
        .filter((o) => o.outcome !== null)
        .map((o) => [o.outcome as string, Number(o.n)] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
    money: moneyPerCurrency(money),
    denialReasons: countReasons(denials),
    decisionTime: decisionTimes(decisions),
    escalations: Number(escalations.n),
    payoutsPastLimit: Number(payoutsPastLimit.n),
  };
}

function moneyPerCurrency(
  rows: { kind: LedgerKind; currency: string | null; total: number | string | null }[],
): ReportSummary['money'] {
  const byCurrency = new Map<string, { currency: string; refundedMinor: number; creditedMinor: number }>();
  for (const row of rows) {
    const currency = row.currency as string;
    const entry = byCurrency.get(currency) ?? { currency, refundedMinor: 0, creditedMinor: 0 };
    // PostgreSQL answers sum(bigint) as a numeric string; minor units stay far below 2^53.
    const total = Number(row.total ?? 0);
    if (row.kind === 'paid') entry.refundedMinor += total;
    else entry.creditedMinor += total;
    byCurrency.set(currency, entry);
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Reason codes are stored as a JSON array per row; a denial with two codes counts for both. */
function countReasons(rows: { reason_codes: string; n: number | string }[]): ReportSummary['denialReasons'] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    for (const code of parseCodes(row.reason_codes))
      counts.set(code, (counts.get(code) ?? 0) + Number(row.n));
  }
  return [...counts]
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

function parseCodes(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? [...new Set(value.filter((c): c is string => typeof c === 'string'))] : [];
  } catch {
    // A malformed cell is not a reason; the rest of the report still stands.
    return [];
  }
}

const HOUR_MS = 3_600_000;

interface DecisionPromise {
  days: number;
  businessDays: boolean;
  /** The policy's calendar (zone, holidays) for its business days. */
  calendar: Policy;
  /** The promise's end per local date of the request (the end depends on nothing else). */
  ends: Map<string, string>;
  /** The zone's UTC offsets, shared by every policy in the same zone during one report. */
  offsets: ZoneOffsets;
}

/**
 * Presets with their public holidays pinned, per policy and year: computing a country's holidays
 * is slow (date-holidays), and presets and past years do not change, so they are kept.
 */
const pinnedCalendars = new Map<string, Policy>();
// From the year before (in a zone west of UTC, a request early on 1 January UTC is still 31
// December) to the year after (a promise runs past New Year): pinHolidays pins three years.
function pinnedCalendar(policy: Policy, year: string): Policy {
  const key = `${policy.id}:${year}`;
  let pinned = pinnedCalendars.get(key);
  if (!pinned)
    pinnedCalendars.set(key, (pinned = pinHolidays(policy, `${Number(year) - 1}-07-01T12:00:00.000Z`)));
  return pinned;
}

/**
 * Each preset's promise end per local request date, kept across reports (presets do not change;
 * counting business days is the slow part of a report). Bounded: a map that grows past 20,000
 * dates (55 years) starts again.
 */
const promiseEnds = new Map<string, Map<string, string>>();
function bounded(maps: Map<string, Map<string, string>>, key: string): Map<string, string> {
  let map = maps.get(key);
  if (!map || map.size > 20_000) maps.set(key, (map = new Map()));
  return map;
}

/** The promised decision time of a preset: its target where it states one, else its deadline. */
function promiseOf(policyId: string, zones: Map<string, ZoneOffsets>): DecisionPromise | undefined {
  const policy = getPreset(policyId);
  if (!policy) return undefined;
  const { targetDays, deadlineDays, businessDays } = policy.decision;
  return {
    days: targetDays ?? deadlineDays,
    businessDays,
    calendar: policy,
    ends: bounded(promiseEnds, policyId),
    offsets:
      zones.get(policy.timeZone) ??
      zones.set(policy.timeZone, new ZoneOffsets(policy.timeZone)).get(policy.timeZone)!,
  };
}

/**
 * Whether a decision kept the promise: against the deadline in force on its row; a decision made
 * with no deadline running (at once, on the request) against the policy's promise from the request.
 */
function keptPromise(
  row: { requested_at: string; occurred_at: string; deadline_at: string | null },
  duration: number,
  promise: DecisionPromise | undefined,
): boolean {
  // Both are ISO instants in the same format, so text order is time order (as in the queries).
  if (row.deadline_at !== null) return row.occurred_at <= row.deadline_at;
  if (!promise) return false;
  // N calendar days always fit in N days' promise (calendar or business): no calendar needed.
  if (duration <= promise.days * 24 * HOUR_MS) return true;
  const day = promise.offsets.localDate(row.requested_at);
  let end = promise.ends.get(day);
  if (end === undefined) {
    // Holidays are pinned per request year, as a case pins them when it starts (the years it spans).
    const year = row.requested_at.slice(0, 4);
    const calendar = pinnedCalendar(promise.calendar, year);
    end = endOfDaysAfter(row.requested_at, promise.days, promise.businessDays, calendar);
    promise.ends.set(day, end);
  }
  return row.occurred_at <= end;
}

/**
 * A zone's UTC offset at an instant, looked up once per UTC day (twice: its start and end agree on
 * all but the days a zone changes offset, which are looked up per hour, when zones change).
 */
class ZoneOffsets {
  private readonly days = new Map<string, number | undefined>();
  private readonly hours = new Map<string, number>();
  constructor(private readonly zone: string) {}

  private lookup(iso: string): number {
    return DateTime.fromISO(iso, { zone: this.zone }).offset;
  }

  at(iso: string): number {
    const day = iso.slice(0, 10);
    if (!this.days.has(day)) {
      const start = this.lookup(`${day}T00:00:00.000Z`);
      this.days.set(day, start === this.lookup(`${day}T23:59:59.999Z`) ? start : undefined);
    }
    const whole = this.days.get(day);
    if (whole !== undefined) return whole;
    const hour = iso.slice(0, 13);
    let offset = this.hours.get(hour);
    if (offset === undefined) this.hours.set(hour, (offset = this.lookup(`${hour}:00:00.000Z`)));
    return offset;
  }

  /** The date in the zone at an instant. */
  localDate(iso: string): string {
    return new Date(Date.parse(iso) + this.at(iso) * 60_000).toISOString().slice(0, 10);
  }
}

function decisionTimes(
  rows: Pick<LedgerRow, 'policy_id' | 'requested_at' | 'occurred_at' | 'deadline_at'>[],
): DecisionTime[] {
  const zones = new Map<string, ZoneOffsets>();
  const byPolicy = new Map<
    string,
    { durations: number[]; within: number; promise: DecisionPromise | undefined }
  >();
  for (const row of rows) {
    const requestedAt = row.requested_at as string;
    const duration = Date.parse(row.occurred_at) - Date.parse(requestedAt);
    if (!Number.isFinite(duration)) continue;
    let entry = byPolicy.get(row.policy_id);
    if (!entry)
      byPolicy.set(
        row.policy_id,
        (entry = { durations: [], within: 0, promise: promiseOf(row.policy_id, zones) }),
      );
    entry.durations.push(Math.max(0, duration));
    if (keptPromise({ ...row, requested_at: requestedAt }, duration, entry.promise)) entry.within += 1;
  }
  return [...byPolicy]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([policyId, { durations, within, promise }]) => {
      const sorted = Float64Array.from(durations).sort();
      return {
        policyId,
        // The promise the writer judges decisions against (deadline_at): the target where the
        // policy states one (proxy-strict: 3 business days, at most 7), else the deadline.
        promiseBusinessDays: promise?.days ?? null,
        businessDays: promise?.businessDays ?? true,
        p50Hours: hours(percentile(sorted, 0.5)),
        p90Hours: hours(percentile(sorted, 0.9)),
        withinPromise: within,
        decided: sorted.length,
      };
    });
}

/** The nearest-rank percentile of ascending values: the smallest value with at least p of them at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] as number;
}

const hours = (ms: number): number => Math.round((ms / HOUR_MS) * 100) / 100;

/**
 * Every row in the window, oldest first, read a page at a time (keyset on occurred_at and id), so
 * an export of any size holds one page in memory and works the same on both stores.
 */
export async function* ledgerRows(
  db: Db,
  range: ReportRange,
  pageSize = 1_000,
): AsyncGenerator<LedgerRow, void, undefined> {
  let after: { occurred_at: string; id: number } | undefined;
  for (;;) {
    let query = inRange(db, range).selectAll();
    if (after) {
      const { occurred_at, id } = after;
      query = query.where((eb) =>
        eb.or([
          eb('occurred_at', '>', occurred_at),
          eb.and([eb('occurred_at', '=', occurred_at), eb('id', '>', id)]),
        ]),
      );
    }
    const page = await query.orderBy('occurred_at').orderBy('id').limit(pageSize).execute();
    for (const row of page) yield row;
    if (page.length < pageSize) return;
    const last = page[page.length - 1] as LedgerRow;
    after = { occurred_at: last.occurred_at, id: Number(last.id) };
  }
}

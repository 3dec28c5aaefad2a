// The simulation's time frame. The time-skipping server's clock starts at the real now and only
// moves forward, but a scenario's case starts at its order's purchase, often in the past, and the
// policy's clocks depend on the weekday, local midnight, DST and the holiday list. So every time
// of a batch is moved forward by whole 400-year Gregorian cycles: 146,097 days, exactly 20,871
// weeks, after which dates, weekdays and leap days repeat. 3 March 2025 (a Monday) runs as
// 3 March 2425 (a Monday); the policy's holidays move with it; the result moves back.
//
// What the shift does not carry: a time zone whose DST rules changed between the scenario's year
// and today runs on today's rules (the zone database projects its last rule into the future).
// The presets run in UTC, where nothing changes.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DateTime } from 'luxon';
import type { Order, Policy } from '../../policies';
import { pinHolidays } from '../../policies/holidays';

/** 400 Gregorian years in milliseconds: 146,097 days of 86,400 s (epoch time has no leap seconds). */
export const CYCLE_MS = 146_097 * 86_400_000;
const CYCLE_YEARS = 400;
/** The latest year a shifted time may reach (protobuf timestamps end at 9999). */
const MAX_YEAR = 9999;

export class Frame {
  constructor(readonly cycles: number) {}

  /** The fewest whole cycles that put `earliestStartMs` after the server's clock (with a margin). */
  static after(serverNowMs: number, earliestStartMs: number, latestEndMs: number, marginMs = 60_000): Frame {
    const cycles = Math.max(1, Math.ceil((serverNowMs + marginMs - earliestStartMs) / CYCLE_MS));
    const frame = new Frame(cycles);
    if (new Date(frame.toServer(latestEndMs)).getUTCFullYear() > MAX_YEAR)
      throw new RangeError(`a scenario runs past the year ${MAX_YEAR - frame.years} and cannot be simulated`);
    return frame;
  }

  get years(): number {
    return this.cycles * CYCLE_YEARS;
  }
  get shiftMs(): number {
    return this.cycles * CYCLE_MS;
  }

  toServer(ms: number): number {
    return ms + this.shiftMs;
  }
  toScenario(ms: number): number {
    return ms - this.shiftMs;
  }

  /** An ISO instant or date into the server's frame; a date moves by years, which is the same day. */
  isoToServer(iso: string): string {
    if (/^\d{4}-\d{2}-\d{2}$/.test(iso))
      return `${String(Number(iso.slice(0, 4)) + this.years).padStart(4, '0')}${iso.slice(4)}`;
    return new Date(this.toServer(Date.parse(iso))).toISOString();
  }

  orderToServer(order: Order): Order {
    const shift = (iso: string | undefined) => (iso === undefined ? undefined : this.isoToServer(iso));
    return {
      ...order,
      purchasedAt: shift(order.purchasedAt)!,
      ...(order.invoicedAt ? { invoicedAt: shift(order.invoicedAt) } : {}),
      ...(order.serviceDate ? { serviceDate: shift(order.serviceDate) } : {}),
      ...(order.firstPurchaseAt ? { firstPurchaseAt: shift(order.firstPurchaseAt) } : {}),
      billing:
        order.billing.kind === 'subscription'
          ? {
              kind: 'subscription',
              periodStart: shift(order.billing.periodStart)!,
              periodEnd: shift(order.billing.periodEnd)!,
            }
          : order.billing,
    };
  }

  /**
   * The same policy with the public holidays of the scenario's own years pinned (as
   * RefundCases.start pins them), then moved into the frame with the years they cover, so the
   * case counts business days against the scenario's calendar, not the library's rules for 2425.
   */
  policyToServer(policy: Policy, purchasedAt: string): Policy {
    const pinned = pinHolidays(policy, purchasedAt);
    return {
      ...pinned,
      holidays: pinned.holidays.map((day) => this.isoToServer(day)),
      ...(pinned.holidaysPinned
        ? {
            holidaysPinned: {
              fromYear: pinned.holidaysPinned.fromYear + this.years,
              toYear: pinned.holidaysPinned.toYear + this.years,
            },
          }
        : {}),
    };
  }
}

/** Something the simulation made happen at a known instant, which effects are reported at. */
export interface Anchor {
  /** When it happened on the server (effects follow this). */
  atMs: number;
  /** When it is reported; by default `atMs`, rounded to the second unless `exact`. */
  reportMs?: number;
  /** Effects up to this long after the anchor belong to it. */
  windowMs: number;
  /** Scripted (exact as written) or observed (carries the server's real-time jitter). */
  exact: boolean;
}

/** Effects of an event, a deadline or a settlement: the handler's activities, the emails it sends. */
export const EFFECT_WINDOW_MS = 60_000;
/** After a fault ends, the next retry comes within the activity's longest retry interval (5 minutes). */
export const FAULT_END_WINDOW_MS = 6 * 60_000;

/**
 * Makes the server's times stable. The test server's clock runs at wall speed while work is in
 * flight, so an effect lands some milliseconds (under load, a second or more) after its cause,
 * differently on every run. A simulation reports processing as taking no time: a time within an
 * anchor's window is reported at the anchor; any other time is rounded to the second (an instant
 * at …59.999, the end of a local day, is kept).
 */
export class StableClock {
  private readonly anchors: Anchor[] = [];

  /** `timeZone`: the policy's, in which the case keeps a deadline's local time of day. */
  constructor(private readonly timeZone = 'UTC') {}

  add(anchor: Anchor): void {
    this.anchors.push(anchor);
  }

  /** The stable form of an anchor's own time (observed anchors are rounded). */
  private anchorTime(anchor: Anchor): number {
    return anchor.reportMs ?? (anchor.exact ? anchor.atMs : roundToSecond(anchor.atMs));
  }

  stable(ms: number): number {
    let best: Anchor | undefined;
    for (const anchor of this.anchors) {
      if (anchor.atMs > ms + 0.5 || ms - anchor.atMs >= anchor.windowMs) continue;
      if (!best || anchor.atMs > best.atMs) best = anchor;
    }
    return best ? this.anchorTime(best) : roundToSecond(ms);
  }

  /**
   * A deadline the case computed from an observed time (N days after a request, at the same local
   * time) carries that time's jitter in its time of day. When its local time of day falls less
   * than an effect window after an exact anchor's, it is reported at the anchor's time of day.
   */
  deadline(ms: number): number {
    const tod = this.timeOfDay(ms);
    let best: number | undefined;
    for (const anchor of this.anchors) {
      if (!anchor.exact) continue;
      const offset = tod - this.timeOfDay(this.anchorTime(anchor));
      if (offset >= 0 && offset < EFFECT_WINDOW_MS && (best === undefined || offset < best)) best = offset;
    }
    return best === undefined ? roundToSecond(ms) : ms - best;
  }

  private timeOfDay(ms: number): number {
    const local = DateTime.fromMillis(ms, { zone: this.timeZone });
    return local.toMillis() - local.startOf('day').toMillis();
  }
}

export function roundToSecond(ms: number): number {
  if (((ms % 1000) + 1000) % 1000 === 999) return ms;
  return Math.round(ms / 1000) * 1000;
}

/**
 * The server's time as the simulation's stores and fault windows see it: inside an activity, the
 * time its attempt runs at (the runner sets it); outside one, the runner's last known server time.
 */
export class ServerTime {
  private readonly current = new AsyncLocalStorage<number>();

  constructor(private readonly fallback: () => number) {}

  readonly now = (): Date => new Date(this.current.getStore() ?? this.fallback());

  run<T>(atMs: number, body: () => Promise<T>): Promise<T> {
    return this.current.run(atMs, body);
  }
}

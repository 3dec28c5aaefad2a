// What a case hands to its next run when it continues as new: everything the model holds, so the
// next run is the same case — state and timeline, the effect queue with its retry schedules, the
// decision clock, the gateway event ids and signal dedupe keys it has seen. Pure: no Temporal import.
import type { AccountSnapshot, RefundResult } from '../../activities/contract';
import type { CaseState } from '../case-state';
import type { Effect } from './effect-queue';
import type { CarriedLedger } from './ledger';
import type { CaseModel } from './model';

/**
 * A run continues as new when the server suggests it or when its history reaches this many events,
 * whichever comes first. The budget keeps every run well under 3,000 events (one pass of the main
 * loop adds a few dozen at most), far below Temporal's own limits, so a replay stays fast.
 */
export const HISTORY_EVENT_BUDGET = 2_000;

export interface CarriedCase {
  state: CaseState;
  effects: Effect[];
  effectSeq: number;
  snapshot?: AccountSnapshot;
  /** When billing's facts were read (a late approval re-reads older ones before paying). */
  snapshotAt?: string;
  decisionClock?: CaseModel['decisionClock'];
  payoutLimitFired: boolean;
  remedyFailed: boolean;
  settlementChecks: number;
  seenKeys: string[];
  earlyEvents: RefundResult[];
  refusedSignals: number;
  listeningUntil?: string;
  /** The run that hands over (the next one is runs + 1). */
  runs: number;
  /** The case's memo (the start's fingerprint, the customer email's digest), set again if a server drops it. */
  memo?: Record<string, unknown>;
  /** The ledger's counters and unwritten rows (workflows/case/ledger.ts), when the case writes one. */
  ledger?: CarriedLedger;
}

export function carry(model: CaseModel): CarriedCase {
  return {
    state: model.state,
    // Nothing is in flight when a run hands over (the loop runs effects one at a time and hands
    // over between them); the flag is dropped anyway so the next run can never skip an effect.
    effects: model.effects.map(({ inFlight: _inFlight, ...effect }) => effect),
    effectSeq: model.effectSeq,
    ...(model.snapshot ? { snapshot: model.snapshot } : {}),
    ...(model.snapshotAt ? { snapshotAt: model.snapshotAt } : {}),
    ...(model.decisionClock ? { decisionClock: model.decisionClock } : {}),
    payoutLimitFired: model.payoutLimitFired,
    remedyFailed: model.remedyFailed,
    settlementChecks: model.settlementChecks,
    seenKeys: model.seenKeys,
    earlyEvents: model.earlyEvents,
    refusedSignals: model.refusedSignals,
    ...(model.listeningUntil ? { listeningUntil: model.listeningUntil } : {}),
    runs: model.runs,
  };
}

/** Puts a carried case into a freshly constructed model (the constructor built it from the order). */
export function restore(model: CaseModel, carried: CarriedCase): void {
  // The same object (handlers hold it), with exactly the carried fields.
  const state = model.state as unknown as Record<string, unknown>;
  for (const key of Object.keys(state)) if (!(key in carried.state)) delete state[key];
  Object.assign(model.state, carried.state);
  model.effects = carried.effects;
  model.effectSeq = carried.effectSeq;
  model.snapshot = carried.snapshot;
  model.snapshotAt = carried.snapshotAt;
  model.decisionClock = carried.decisionClock;
  model.payoutLimitFired = carried.payoutLimitFired;
  model.remedyFailed = carried.remedyFailed;
  model.settlementChecks = carried.settlementChecks;
  model.seenKeys = carried.seenKeys;
  model.earlyEvents = carried.earlyEvents;
  model.refusedSignals = carried.refusedSignals;
  model.listeningUntil = carried.listeningUntil;
  model.runs = carried.runs + 1;
  model.longLived = true;
}

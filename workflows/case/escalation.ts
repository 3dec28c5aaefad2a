// An escalation says a person must look at the case; once a person acts on it (a decision, a
// technical review, an information request, the payout route) it has been looked at and clears.
// The escalations stay on the case as its history, each marked with when it cleared.
import type { CaseState } from '../case-state';
import type { Actor } from '../message-definitions';
import type { CaseModel } from './model';

/** Patch marker (README, "Changing the workflow safely"): a person's action clears the escalation. */
export const ESCALATION_CLEARS = 'escalation-clears';

/** The kind of an escalation: its notice tag without the instance number (`stuck-payout-3` → `stuck-payout`). */
export const escalationCode = (tag: string): string => tag.replace(/-\d+$/, '');

/** Marks every open escalation cleared and the case no longer escalated. */
export function clearEscalation(model: CaseModel, actor: Actor, summary: string): void {
  const { state } = model;
  if (!state.escalated) return;
  state.escalated = false;
  const at = model.now();
  for (const e of state.escalations) e.clearedAt ??= at;
  model.record('escalation_cleared', summary, actor);
}

/**
 * A person acted on the case (`what`: "a decision was recorded"). Cases started before the
 * `escalation-clears` patch stay escalated, as they did: the flag is a search attribute, and
 * clearing it is an upsert their histories do not have. Asked only when there is something to
 * clear, so a case never escalated carries no marker.
 */
export function actedOn(model: CaseModel, actor: Actor, what: string): void {
  if (!model.state.escalated || !model.clearsOnAct()) return;
  clearEscalation(model, actor, `Escalation cleared: ${what}`);
}

export interface OpenEscalation {
  /** The kinds, oldest first, once each. */
  reasons: string[];
  /** The escalations' sentences, oldest first. */
  details: string[];
  /** When the oldest open escalation was raised. */
  since: string;
}

/** The escalation still open on the case (none once someone acted on it). */
export function openEscalation(
  state: Pick<CaseState, 'escalated' | 'escalations' | 'timeline'>,
): OpenEscalation | undefined {
  if (!state.escalated) return undefined;
  // Escalations cleared before clearedAt was kept (the payout route's) are known by the timeline.
  const lastCleared = [...state.timeline].reverse().find((t) => t.type === 'escalation_cleared')?.at;
  const open = state.escalations.filter(
    (e) => !e.clearedAt && (!lastCleared || Date.parse(e.at) >= Date.parse(lastCleared)),
  );
  if (open.length === 0) return undefined;
  return {
    reasons: [...new Set(open.map((e) => e.code ?? 'escalated'))],
    details: open.map((e) => e.reason),
    since: open[0]!.at,
  };
}

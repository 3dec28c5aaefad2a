// Incident fan-out: signals every case an incident may cover, as a workflow rather than inside one
// HTTP request (10,000 cases one by one would outlive any request). The API lists the candidate
// cases and starts one fan-out per incident (workflow id incident-<incidentId>); the fan-out
// signals them in batches, reports its progress by query, and continues as new every few hundred
// cases so its history stays bounded. A repeat confirmation lists the cases again and hands the
// fan-out those it has not been given (a case visibility did not list the first time): signalled
// to the run still going, or to a new run of the same id carrying the first one's record.
// Each case dedupes the incident by its id and decides for itself whether the incident covers it.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { workflowIdForOrder } from './case-state';
import { incidentConfirmedSignal, type IncidentConfirmed } from './message-definitions';

export interface IncidentFanOutInput {
  incident: IncidentConfirmed;
  /** When the API received the confirmation (for the record). */
  receivedAt: string;
  /** The orderIds still to signal. */
  orderIds: string[];
  /** Every orderId the fan-out was given before these (a repeat hands over only the others). */
  listed?: string[];
  /** Counts carried across continue-as-new. */
  total?: number;
  signalled?: number;
  /** Cases that ended before their signal reached them. */
  skipped?: string[];
}

export interface IncidentFanOutProgress {
  incidentId: string;
  total: number;
  signalled: number;
  skipped: string[];
  done: boolean;
}

export const incidentProgressQuery = defineQuery<IncidentFanOutProgress>('incidentProgress');
/** Every orderId the fan-out was given, signalled or not yet (the API hands a repeat only the others). */
export const incidentListedQuery = defineQuery<string[]>('incidentListed');
/** More cases for the fan-out (a repeat confirmation); ones it was already given are ignored. */
export const incidentCasesSignal = defineSignal<[string[]]>('incidentCases');

/** Signals sent at once: enough to go fast, few enough not to flood the frontend. */
export const FAN_OUT_BATCH = 50;
/** Signals per run before continuing as new (about three history events each). */
export const FAN_OUT_PER_RUN = 500;

export async function incidentFanOut(input: IncidentFanOutInput): Promise<IncidentFanOutProgress> {
  const progress: IncidentFanOutProgress = {
    incidentId: input.incident.incidentId,
    total: input.total ?? input.orderIds.length,
    signalled: input.signalled ?? 0,
    skipped: input.skipped ?? [],
    done: false,
  };
  const known = new Set([...(input.listed ?? []), ...input.orderIds]);
  let rest = input.orderIds;
  setHandler(incidentProgressQuery, () => progress);
  setHandler(incidentListedQuery, () => [...known]);
  setHandler(incidentCasesSignal, (orderIds) => {
    const added = orderIds.filter((id) => !known.has(id));
    for (const id of added) known.add(id);
    if (added.length === 0) return;
    rest = [...rest, ...added];
    progress.total += added.length;
    progress.done = false;
  });
  // No receivedAt stamp: a fan-out delayed by an outage must not reach cases with a stale one
  // (they refuse stamps over an hour old); each case dedupes the incident by its id.
  let sentThisRun = 0;
  for (;;) {
    if (rest.length === 0) {
      // Cases handed over by a signal in the same task are taken before the run ends.
      await condition(allHandlersFinished);
      if (rest.length === 0) break;
    }
    if (sentThisRun >= FAN_OUT_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      const pending = new Set(rest);
      return continueAsNew<typeof incidentFanOut>({
        ...input,
        orderIds: rest,
        listed: [...known].filter((id) => !pending.has(id)),
        ...counts(progress),
      });
    }
    const batch = rest.slice(0, FAN_OUT_BATCH);
    rest = rest.slice(batch.length);
    await Promise.all(
      batch.map(async (orderId) => {
        try {
          await getExternalWorkflowHandle(workflowIdForOrder(orderId)).signal(
            incidentConfirmedSignal,
            input.incident,
          );
        } catch {
          // The case ended (or was never started) since it was listed: nothing left to cover.
          progress.skipped.push(orderId);
          return;
        }
        progress.signalled++;
      }),
    );
    sentThisRun += batch.length;
  }
  progress.done = true;
  return progress;
}

function counts(p: IncidentFanOutProgress): Pick<IncidentFanOutInput, 'total' | 'signalled' | 'skipped'> {
  return { total: p.total, signalled: p.signalled, skipped: p.skipped };
}

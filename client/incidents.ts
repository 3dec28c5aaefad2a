// Confirmed incidents: the fan-out workflow that signals an incident to the cases it covers
// (workflows/incident-fan-out.ts), one per incident, and how far it got.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import {
  incidentCasesSignal,
  incidentListedQuery,
  incidentProgressQuery,
  type incidentFanOut,
  type IncidentFanOutProgress,
} from '../workflows/incident-fan-out';
import type { IncidentConfirmed } from '../workflows/messages';
import type { RefundCases } from './refund-client';

export const incidentWorkflowId = (incidentId: string): string => `incident-${incidentId}`;

/**
 * Starts the fan-out that signals an incident to these cases (workflows/incident-fan-out.ts); one
 * per incident. A repeat confirmation hands it only the cases it was not given before (a case
 * visibility did not list the first time): signalled to the fan-out still running, or to a new
 * run of the same workflow id that carries the first one's record and counts. Nothing is
 * signalled twice by the fan-out, and each case dedupes the incident by its id anyway.
 */
export async function startIncidentFanOut(
  cases: RefundCases,
  incident: IncidentConfirmed,
  orderIds: string[],
  receivedAt: string,
): Promise<void> {
  const workflowId = incidentWorkflowId(incident.incidentId);
  const handle = cases.client.workflow.getHandle<typeof incidentFanOut>(workflowId);
  const listed = await handle.query(incidentListedQuery).catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  });
  if (!listed) {
    try {
      await cases.client.workflow.start<typeof incidentFanOut>('incidentFanOut', {
        taskQueue: cases.taskQueue,
        workflowId,
        args: [{ incident, receivedAt, orderIds }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // A second run only through the repeat path below, which carries the first one's record.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Another confirmation started it meanwhile: hand it these cases as a repeat would.
      return cases.startIncidentFanOut(incident, orderIds, receivedAt);
    }
  }
  const known = new Set(listed);
  const missing = orderIds.filter((id) => !known.has(id));
  if (missing.length === 0) return;
  const { total, signalled, skipped } = await handle.query(incidentProgressQuery);
  await cases.client.workflow.signalWithStart<typeof incidentFanOut, [string[]]>('incidentFanOut', {
    taskQueue: cases.taskQueue,
    workflowId,
    // Used only when the fan-out has finished: the new run carries what the last one did.
    args: [{ incident, receivedAt, orderIds: [], listed, total, signalled, skipped }],
    signal: incidentCasesSignal,
    signalArgs: [missing],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

/** How far an incident's fan-out got; undefined when no fan-out ran for it. */
export async function incidentProgress(
  cases: RefundCases,
  incidentId: string,
): Promise<IncidentFanOutProgress | undefined> {
  try {
    return await cases.client.workflow.getHandle(incidentWorkflowId(incidentId)).query(incidentProgressQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
